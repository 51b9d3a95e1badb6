//! A ledger on a network share is refused before SQLite opens it: its write-ahead log needs
//! every process that opens the file on one host, and locking over NFS or SMB is unreliable,
//! so two offices writing through a shared drive would corrupt the ledger without a word.

use std::path::Path;

use crate::error::{Error, Result};

/// Set to 1 to open a ledger on a network filesystem anyway (one machine only ever opens it).
const OVERRIDE: &str = "GRANTBOOK_ALLOW_NETWORK_FS";

/// Refuse `path` when it is (or would be created) on a network filesystem, unless overridden.
pub fn refuse_network_filesystem(path: &Path) -> Result<()> {
    if std::env::var_os(OVERRIDE).is_some_and(|v| v == "1") {
        return Ok(());
    }
    match filesystem_of(path).and_then(network_kind) {
        None => Ok(()),
        Some(kind) => Err(Error::invalid(format!(
            "{} is on a network filesystem ({kind}): SQLite needs every process that opens a \
             ledger on the same machine, and locks over network shares are unreliable, so \
             offices sharing it through a drive would corrupt it. Keep the ledger on this \
             machine's own disk; several offices will share one ledger through a PostgreSQL \
             server (docs/storage-seam.md). If only this one machine ever opens the file, \
             set {OVERRIDE}=1",
            path.display()
        ))),
    }
}

/// The filesystem type (statfs's magic number) of the nearest existing directory of `path`.
#[cfg(target_os = "linux")]
fn filesystem_of(path: &Path) -> Option<u32> {
    let absolute = std::path::absolute(path).ok()?;
    let existing = absolute.ancestors().find(|p| p.exists())?;
    let fs = rustix::fs::statfs(existing).ok()?;
    // f_type is a C long; the magic numbers are 32 bits (CIFS's has its top bit set).
    Some(fs.f_type as u32)
}

#[cfg(not(target_os = "linux"))]
fn filesystem_of(_path: &Path) -> Option<u32> {
    None
}

/// The network (or userspace) filesystem a statfs magic number stands for, if it is one
/// (the numbers of linux/magic.h and the filesystems' own headers).
fn network_kind(magic: u32) -> Option<&'static str> {
    Some(match magic {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "SMB/CIFS",
        0xFE53_4D42 => "SMB2",
        0x6573_5546 => "FUSE: sshfs, a cloud drive or another userspace filesystem",
        0x7375_7245 => "Coda",
        0x5346_414F => "AFS",
        0x6B41_4653 => "AFS",
        0x00C3_6400 => "Ceph",
        0x0102_1997 => "9P",
        0x0BD0_0BD0 => "Lustre",
        0x4750_4653 => "GPFS",
        0x0116_1970 => "GFS2",
        0x5346_4846 => "OCFS2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_filesystems_are_named_and_local_ones_pass() {
        assert_eq!(network_kind(0x6969), Some("NFS"));
        assert_eq!(network_kind(0xFF53_4D42), Some("SMB/CIFS"));
        assert!(network_kind(0x6573_5546).is_some_and(|k| k.contains("sshfs")));
        // ext4, xfs, btrfs, tmpfs, overlayfs
        for local in [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0x794C_7630] {
            assert_eq!(network_kind(local), None, "{local:#x}");
        }
    }

    #[test]
    fn a_ledger_in_a_local_directory_is_accepted_even_before_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = dir.path().join("not/yet/there/ledger.db");
        assert!(refuse_network_filesystem(&ledger).is_ok());
        assert!(filesystem_of(&ledger).is_some() || cfg!(not(target_os = "linux")));
    }
}
