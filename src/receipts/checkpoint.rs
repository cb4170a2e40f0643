//! Checkpoints: the chain's head (seq and hash), signed with an Ed25519 key
//! the database login never holds, to be kept where that login cannot
//! write. Rows removed after the head, or a chain rewritten from some row
//! on, leave no trace inside the database; a checkpoint kept elsewhere
//! shows them. Ed25519 rather than an HMAC: whoever checks a checkpoint (an
//! auditor, a court) needs only the public key, never the secret.

use super::receipt::{from_hex, to_hex};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the secret key is read from when no `--key-file` is given.
pub const KEY_VARIABLE: &str = "BISCOITO_CHECKPOINT_KEY";

/// A signed head, as `biscoito receipts checkpoint` prints it (one JSON line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was signed, RFC 3339.
    pub signed_at: String,
    /// The public key, hexadecimal.
    pub key: String,
    pub signature: String,
}

/// What is signed: the head and the time, under a fixed label so that the
/// signature can mean nothing else.
fn message(seq: i64, hash: &str, signed_at: &str) -> String {
    format!("biscoito receipts checkpoint v1\n{seq}\n{hash}\n{signed_at}\n")
}

/// The secret key: 32 bytes in hexadecimal (`openssl rand -hex 32`), from
/// `key_file` or else the environment.
pub fn signing_key(key_file: Option<&Path>) -> Result<SigningKey, String> {
    let (text, from) = match key_file {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
            path.display().to_string(),
        ),
        None => (
            std::env::var(KEY_VARIABLE)
                .map_err(|_| format!("no --key-file and no {KEY_VARIABLE} in the environment"))?,
            KEY_VARIABLE.to_owned(),
        ),
    };
    let seed = from_hex::<32>(&text).ok_or_else(|| {
        format!("{from}: the key must be 64 hexadecimal characters (make one with `openssl rand -hex 32`)")
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn sign(key: &SigningKey, seq: i64, hash: &str, signed_at: &str) -> Checkpoint {
    let signature = key.sign(message(seq, hash, signed_at).as_bytes());
    Checkpoint {
        seq,
        hash: hash.to_owned(),
        signed_at: signed_at.to_owned(),
        key: to_hex(key.verifying_key().as_bytes()),
        signature: to_hex(&signature.to_bytes()),
    }
}

impl Checkpoint {
    /// Reads a checkpoint and checks its signature, and that it was made
    /// with `expected_key` when one is given (the signature alone proves
    /// only that whoever holds the key in it signed it).
    pub fn read(text: &str, expected_key: Option<&str>) -> Result<Checkpoint, String> {
        let checkpoint: Checkpoint = serde_json::from_str(text.trim()).map_err(|e| {
            format!("not a checkpoint as `biscoito receipts checkpoint` prints it: {e}")
        })?;
        let key = from_hex::<32>(&checkpoint.key)
            .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
            .ok_or("its key is not an Ed25519 public key")?;
        if let Some(expected) = expected_key {
            if from_hex::<32>(expected) != Some(key.to_bytes()) {
                return Err(format!(
                    "it was signed with key {}, not with --public-key {}",
                    checkpoint.key,
                    expected.trim()
                ));
            }
        }
        let signature = from_hex::<64>(&checkpoint.signature)
            .map(|bytes| Signature::from_bytes(&bytes))
            .ok_or("its signature is not an Ed25519 signature")?;
        key.verify(
            message(checkpoint.seq, &checkpoint.hash, &checkpoint.signed_at).as_bytes(),
            &signature,
        )
        .map_err(|_| {
            "its signature does not match its contents: it was changed after it was signed"
        })?;
        Ok(checkpoint)
    }

    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_and_any_change_to_it_is_refused() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let signed = sign(&key, 42, &"ab".repeat(32), "2026-12-07T12:00:00Z");
        let public = to_hex(key.verifying_key().as_bytes());
        assert_eq!(
            Checkpoint::read(&signed.to_line(), Some(&public)),
            Ok(signed.clone())
        );
        let moved = signed.to_line().replace("\"seq\":42", "\"seq\":41");
        assert!(Checkpoint::read(&moved, None)
            .unwrap_err()
            .contains("changed after"));
        let other = to_hex(SigningKey::from_bytes(&[8; 32]).verifying_key().as_bytes());
        assert!(Checkpoint::read(&signed.to_line(), Some(&other))
            .unwrap_err()
            .contains("not with --public-key"));
        assert!(Checkpoint::read("{}", None).is_err());
    }
}
