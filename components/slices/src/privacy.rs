//! Keyed hashing of user names: the only form in which a user ever reaches Redis.
//!
//! `user_hash` is HMAC-SHA-256 keyed with the secret salt over (slice, user name),
//! truncated to 128 bits: the same user in another slice hashes differently, so slices
//! cannot be linked, and without the salt a name cannot be confirmed by hashing guesses.
//! `range_element` (only when range estimates are enabled) is slice-independent and only
//! ever fed to a HyperLogLog, which keeps registers, not elements.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn keyed(salt: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = HmacSha256::new_from_slice(salt).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    let digest = mac.finalize().into_bytes();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The stored identity of `user` in `slice`: HMAC-SHA-256(salt, "slice" 0 slice_be user)[..16].
pub fn user_hash(salt: &[u8], slice: u64, user: &str) -> [u8; 16] {
    keyed(salt, &[b"slice\0", &slice.to_be_bytes(), user.as_bytes()])
}

/// The element added to a slice's HyperLogLog for cross-slice estimates:
/// HMAC-SHA-256(salt, "range" 0 user)[..16].
pub fn range_element(salt: &[u8], user: &str) -> [u8; 16] {
    keyed(salt, &[b"range\0", user.as_bytes()])
}

/// The stored form of a client event id in `slice` (used only to recognise a repeated
/// delivery): HMAC-SHA-256(salt, "event" 0 slice_be id)[..16].
pub fn event_hash(salt: &[u8], slice: u64, id: &str) -> [u8; 16] {
    keyed(salt, &[b"event\0", &slice.to_be_bytes(), id.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_hash_apart_from_users() {
        assert_eq!(event_hash(b"s", 1, "e1"), event_hash(b"s", 1, "e1"));
        assert_ne!(event_hash(b"s", 1, "e1"), event_hash(b"s", 2, "e1"));
        assert_ne!(event_hash(b"s", 1, "e1"), user_hash(b"s", 1, "e1"));
    }

    #[test]
    fn hashes_depend_on_salt_slice_and_user() {
        let a = user_hash(b"salt", 1, "ann");
        assert_eq!(a, user_hash(b"salt", 1, "ann"));
        assert_ne!(
            a,
            user_hash(b"salt", 2, "ann"),
            "not linkable across slices"
        );
        assert_ne!(a, user_hash(b"other", 1, "ann"), "keyed by the salt");
        assert_ne!(a, user_hash(b"salt", 1, "bob"));
        assert_ne!(range_element(b"salt", "ann"), range_element(b"salt", "bob"));
        assert_eq!(range_element(b"salt", "ann"), range_element(b"salt", "ann"));
    }

    #[test]
    fn matches_hmac_sha256() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let got = keyed(b"Jefe", &[b"what do ya ", b"want for nothing?"]);
        let want = [
            0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95,
            0x75, 0xc7,
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn the_name_is_not_in_the_hash() {
        let h = user_hash(b"s", 0, "aaaaaaaaaaaaaaaa");
        assert_ne!(&h[..], b"aaaaaaaaaaaaaaaa");
    }
}
