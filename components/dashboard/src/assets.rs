//! The embedded files: the table `build.rs` generates, lookup by URL path, and each
//! file's content type and caching rule.

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The URL path it is served at (`/index.html`, `/js/api.js`, ...).
    pub path: &'static str,
    /// The file's bytes, embedded at compile time.
    pub body: &'static [u8],
    /// A strong ETag of the content (quoted, as sent in the header).
    pub etag: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file served at `path` (`/` is the overview page, `/index.html`). Pages keep
/// their `.html`: the bare names (`/points`, `/streams`, ...) are other components' routes.
pub fn find(path: &str) -> Option<&'static Asset> {
    let path = if path.is_empty() { "/" } else { path };
    let path = if path == "/" { "/index.html" } else { path };
    ASSETS.iter().find(|a| a.path == path)
}

/// The `content-type` of a file, by its extension (`None` for an unknown one: `build.rs`
/// embeds only what `web/` holds, and a unit test checks each has a type).
pub fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    Some(match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "yaml" => "application/yaml",
        _ => return None,
    })
}

/// The `cache-control` of every file. The names carry no content hash, so a browser
/// revalidates each time (`no-cache`) and gets a 304 by ETag while the file is unchanged.
pub const CACHE_CONTROL: &str = "no-cache";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_content_type_and_an_etag() {
        assert!(ASSETS.len() >= 10, "{} files", ASSETS.len());
        for asset in ASSETS {
            assert!(content_type(asset.path).is_some(), "{}", asset.path);
            assert!(asset.etag.starts_with('"') && asset.etag.ends_with('"'));
            assert_eq!(asset.etag.len(), 22, "{}", asset.etag);
            assert!(!asset.body.is_empty(), "{} is empty", asset.path);
        }
    }

    #[test]
    fn the_pages_and_the_vendored_library_are_embedded() {
        for path in [
            "/index.html",
            "/ads.html",
            "/impressions.html",
            "/slices.html",
            "/points.html",
            "/streams.html",
            "/vendor/uPlot.iife.min.js",
            "/vendor/uPlot.min.css",
            "/openapi.yaml",
        ] {
            assert!(find(path).is_some(), "{path} is missing");
        }
        let etags: std::collections::HashSet<_> = ASSETS.iter().map(|a| a.etag).collect();
        assert_eq!(etags.len(), ASSETS.len(), "ETags differ between files");
    }

    #[test]
    fn lookup_rules() {
        assert_eq!(find("/").unwrap().path, "/index.html");
        assert_eq!(find("").unwrap().path, "/index.html");
        assert_eq!(find("/ads.html").unwrap().path, "/ads.html");
        assert!(find("/ads").is_none());
        assert_eq!(
            find("/css/dashboard.css").unwrap().path,
            "/css/dashboard.css"
        );
        assert!(find("/nope").is_none());
        assert!(find("/ads.htm").is_none());
        assert!(find("/js").is_none());
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("/a.html"), Some("text/html; charset=utf-8"));
        assert_eq!(
            content_type("/js/a.js"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(content_type("/openapi.yaml"), Some("application/yaml"));
        assert_eq!(content_type("/x.exe"), None);
        assert_eq!(content_type("/README"), None);
    }
}
