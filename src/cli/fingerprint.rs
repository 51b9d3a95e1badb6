//! SHA-256 of what an import or a restore read, for the audit log: anyone holding the file can
//! later prove it is the one that was loaded (`sha256sum FILE`).

use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};

use crate::domain::seal::hex;
use crate::error::{Error, Result};

/// The running digest of everything read through a [`Fingerprinted`] reader. Shared, because
/// the reader moves into a CSV parser (or a JSON thread) while the import needs the digest.
#[derive(Clone, Default)]
pub struct Fingerprint(Arc<Mutex<Sha256>>);

impl Fingerprint {
    /// The SHA-256 of the bytes read so far, as `sha256sum` prints it.
    pub fn sha256(&self) -> String {
        let hash = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        hex(&hash.clone().finalize())
    }

    /// Wrap `source` so that every byte read from it is hashed here.
    pub fn reader<R: Read>(&self, source: R) -> Fingerprinted<R> {
        Fingerprinted {
            source,
            fingerprint: self.clone(),
        }
    }
}

pub struct Fingerprinted<R> {
    source: R,
    fingerprint: Fingerprint,
}

impl<R: Read> Read for Fingerprinted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.source.read(buf)?;
        self.fingerprint
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .update(&buf[..n]);
        Ok(n)
    }
}

/// The SHA-256 of a whole file.
pub fn sha256_file(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    let fingerprint = Fingerprint::default();
    std::io::copy(&mut fingerprint.reader(file), &mut std::io::sink())?;
    Ok(fingerprint.sha256())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_exactly_what_was_read() {
        let fingerprint = Fingerprint::default();
        assert_eq!(
            fingerprint.sha256(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut text = String::new();
        fingerprint
            .reader(&b"abc"[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "abc");
        // sha256sum of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            fingerprint.sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
