//! The host's manifest parser (`spin.toml`, Spin v2): arbitrary text must load or be
//! refused with a message; a loaded manifest's router must route without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tally_manifest::{Manifest, spin_headers};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Manifest::parse(text, "spin.toml") {
        Ok(manifest) => {
            let Ok(router) = manifest.router() else {
                return;
            };
            for path in ["/", "/analytics", "/a/b/", "/a?b", ""] {
                if let Some(m) = router.route(path) {
                    assert_eq!(spin_headers(&m, path, "127.0.0.1:1", "/").len(), 7);
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
