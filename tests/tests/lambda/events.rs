//! Lambda events shaped as AWS sends them (fields from the AWS documentation's samples).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

/// A payload 2.0 event (API Gateway HTTP API and Function URLs share the shape): `path`
/// is the request path as `rawPath` carries it.
fn http_event(
    method: &str,
    raw_path: &str,
    query: &str,
    stage: &str,
    api: &str,
    ip: &str,
) -> Value {
    let (domain, route) = match stage {
        "$default" => (format!("{api}.lambda-url.eu-west-1.on.aws"), "$default"),
        _ => (
            format!("{api}.execute-api.eu-west-1.amazonaws.com"),
            "ANY /{proxy+}",
        ),
    };
    json!({
        "version": "2.0",
        "routeKey": route,
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": {"host": domain},
        "requestContext": {
            "accountId": "123456789012", "apiId": api, "domainName": domain,
            "domainPrefix": api, "requestId": "JKJaXmPLvHcESHA=", "routeKey": route,
            "stage": stage, "time": "10/Mar/2024:10:00:00 +0000", "timeEpoch": 1710064800000i64,
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1",
                     "sourceIp": ip, "userAgent": "curl/8.5.0"}
        },
        "isBase64Encoded": false
    })
}

/// An API Gateway HTTP API event on a named `stage` (its `rawPath` starts with the stage),
/// with more `headers`, `cookies` and a body sent base64-encoded.
pub fn api_gateway(
    method: &str,
    stage: &str,
    path_and_query: &str,
    headers: Value,
    cookies: &[&str],
    body: Option<&[u8]>,
) -> Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut event = http_event(
        method,
        &format!("/{stage}{path}"),
        query,
        stage,
        "r3pmxmplak",
        "203.0.113.7",
    );
    for (name, value) in headers.as_object().into_iter().flatten() {
        event["headers"][name] = value.clone();
    }
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if let Some(body) = body {
        event["body"] = json!(STANDARD.encode(body));
        event["isBase64Encoded"] = json!(true);
    }
    event
}

/// A Lambda Function URL event with a JSON (text) body.
pub fn function_url(method: &str, path_and_query: &str, body: Option<&str>) -> Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut event = http_event(method, path, query, "$default", "abcdefg", "198.51.100.4");
    event["headers"]["content-type"] = json!("application/json");
    event["body"] = json!(body);
    event
}

/// A Kinesis event whose records carry `data` (base64-encoded as Kinesis delivers it),
/// with sequence numbers `<n>` for record n from 1.
pub fn kinesis(data: &[Vec<u8>]) -> Value {
    let records: Vec<Value> = data
        .iter()
        .enumerate()
        .map(|(i, data)| {
            let sequence = sequence(i + 1);
            json!({
                "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "impressions",
                            "sequenceNumber": sequence, "data": STANDARD.encode(data),
                            "approximateArrivalTimestamp": 1710064800.123},
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{sequence}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
                "awsRegion": "eu-west-1",
                "eventSourceARN": "arn:aws:kinesis:eu-west-1:123456789012:stream/impressions"
            })
        })
        .collect();
    json!({ "Records": records })
}

/// The sequence number the test gives Kinesis record `n`.
pub fn sequence(n: usize) -> String {
    format!("4959033241010906380{n:023}")
}

/// An EventBridge scheduled event fired at `time` (RFC 3339).
pub fn schedule(time: &str) -> Value {
    json!({
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time,
        "region": "eu-west-1",
        "resources": ["arn:aws:events:eu-west-1:123456789012:rule/tally-ingest-cron"],
        "detail": {}
    })
}

/// The `itemIdentifier`s of a partial batch response.
pub fn failures(response: &Value) -> Vec<String> {
    response["batchItemFailures"]
        .as_array()
        .unwrap_or_else(|| panic!("no batchItemFailures in {response}"))
        .iter()
        .map(|f| f["itemIdentifier"].as_str().unwrap().to_string())
        .collect()
}
