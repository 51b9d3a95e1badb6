//! A full disk is a runtime failure (exit 1) that says so, on reads and writes alike, with the
//! ledger untouched; and a failed `init` leaves nothing behind that would block the next one.
//!
//! The ledger lives on a tmpfs of 2 MiB mounted for the test, which takes root (or
//! CAP_SYS_ADMIN); where it cannot be mounted the test says why in one line and checks nothing.
//! `src/db/disk_tests.rs` fills a ledger with SQLite's `max_page_count` instead, everywhere.

mod common;

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{JAPAN, TestDb, japan_grant};

/// A small tmpfs mounted on a new directory, unmounted when dropped.
struct SmallDisk {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl SmallDisk {
    /// Mount one, or say why not on the test's own stderr (seen even when output is captured).
    fn mount() -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path().join("disk");
        std::fs::create_dir(&root).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs"])
            .arg(&root)
            .output();
        let why = match mounted {
            Ok(out) if out.status.success() => return Some(SmallDisk { _dir: dir, root }),
            Ok(out) => String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("mount failed")
                .to_string(),
            Err(e) => format!("no mount command: {e}"),
        };
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED disk_full: cannot mount a small tmpfs here ({why}); run the tests as root \
             to fill a disk"
        );
        None
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Fill the disk with a file `pad`, but for about `free` bytes.
    fn fill(&self, free: u64) {
        let pad = self.path("pad");
        let mut file = File::create(&pad).unwrap();
        let chunk = [0u8; 4096];
        loop {
            match file.write_all(&chunk) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::StorageFull => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        let size = file.metadata().unwrap().len();
        file.set_len(size.saturating_sub(free)).unwrap();
    }

    fn empty(&self) {
        std::fs::remove_file(self.path("pad")).unwrap();
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let done = Command::new("umount").arg(&self.root).status();
        if !done.is_ok_and(|s| s.success()) {
            // Something still holds it open: detach it now, the kernel frees it when let go.
            let _ = Command::new("umount").arg("-l").arg(&self.root).status();
        }
    }
}

/// The Japan grant's ledger, copied onto the small disk.
fn ledger_on(disk: &SmallDisk) -> TestDb {
    let source = japan_grant();
    let db = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: disk.path("ledger.db"),
        server: None,
    };
    std::fs::copy(&source.path, &db.path).unwrap();
    db
}

/// A CSV of `rows` small expenses of the Japan grant, far more than 64 KiB of ledger.
fn vouchers(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("vouchers.csv");
    let mut text = String::from("grant,line,date,amount,currency,payee,voucher\n");
    for n in 0..rows {
        text.push_str(&format!(
            "{JAPAN},TRAIN,2021-04-15,10.00,MAD,Payee number {n},FULL-{n:05}\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// Exit 1 with one message that names `file`, says the disk failed and that nothing was written.
fn assert_disk_failure(db: &TestDb, args: &[impl AsRef<str>], file: &Path) -> String {
    let err = db.fails(args, 1);
    let said = format!("{}: the disk", file.display());
    assert!(err.contains(&said), "names the file first:\n{err}");
    assert!(err.contains("full"), "{err}");
    assert!(err.contains("Nothing was written"), "{err}");
    assert!(err.contains("Free space on that disk"), "{err}");
    assert!(!err.contains("not a grantbook database"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn a_full_disk_is_a_runtime_failure_that_leaves_the_ledger_as_it_was() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let db = ledger_on(&disk);
    let before = db.dump();
    let file = vouchers(db.dir.path(), 3000);

    // Not a byte left: even reading needs SQLite's shared-memory file beside the ledger.
    disk.fill(0);
    assert_disk_failure(&db, &["grant", "list"], &db.path);
    let expense = format!(
        "expense add --grant {JAPAN} --line TRAIN --date 2021-04-15 --amount 100.00 \
         --currency MAD --payee Hotel --voucher FULL-1"
    );
    assert_disk_failure(&db, &common::sh(&expense), &db.path);
    disk.empty();

    // Room to open the ledger, not to write 3000 expenses: the commit meets the full disk.
    disk.fill(64 * 1024);
    let err = assert_disk_failure(
        &db,
        &["expense", "import", file.to_str().unwrap()],
        &db.path,
    );
    assert!(err.contains("the disk is full"), "{err}");
    disk.empty();

    assert_eq!(db.dump(), before, "the ledger is exactly as it was");
    db.ok(&["expense", "import", file.to_str().unwrap()]);
    assert_eq!(db.count("expense"), 3000);
}

#[test]
fn an_init_that_fails_on_a_full_disk_leaves_nothing_behind() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let db = TestDb {
        dir: tempfile::tempdir().unwrap(),
        path: disk.path("ledger.db"),
        server: None,
    };
    disk.fill(16 * 1024);
    let err = db.fails(&["init"], 1);
    assert!(
        err.contains(&format!("{}: the disk is full", db.path.display())),
        "{err}"
    );
    assert!(err.contains("Nothing was written"), "{err}");
    assert_eq!(disk.names(), ["pad"], "no ledger, no temporary file");
    disk.empty();

    // So the next init, with room, is not told the ledger already exists.
    db.ok(&["init"]);
    assert_eq!(disk.names(), ["ledger.db"]);
    db.ok(&["grant", "list"]);
}

/// What a command that writes a copy (a backup, an export, a report) leaves on a full disk:
/// exit 1 with one line saying the disk is full, and nothing under the names it was given.
#[test]
fn copies_written_to_a_full_disk_leave_no_file_behind() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let db = japan_grant();
    for n in 0..200 {
        db.ok_sh(&format!(
            "expense add --grant {JAPAN} --line TRAIN --date 2021-04-15 --amount 10.00 \
             --currency MAD --payee 'Payee number {n}' --voucher COPY-{n:04}"
        ));
    }
    disk.fill(8 * 1024);
    let before = db.dump();
    let backup = disk.path("copy.db");
    let export = disk.path("export");
    let report = disk.path("burn.html");
    for args in [
        vec!["backup", backup.to_str().unwrap()],
        vec!["export", "--all", "--out", export.to_str().unwrap()],
        vec![
            "report",
            "burn",
            "--format",
            "html",
            "--out",
            report.to_str().unwrap(),
        ],
    ] {
        let err = db.fails(&args, 1);
        assert!(
            err.contains("full") || err.contains("No space left"),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        let left: Vec<String> = disk
            .names()
            .into_iter()
            .filter(|n| n != "pad" && n != "export")
            .collect();
        assert!(left.is_empty(), "{args:?} left {left:?}");
        assert_eq!(db.dump(), before, "{args:?} changed the ledger");
    }
    // An export that could not write all its tables leaves none of them half written.
    if export.exists() {
        for file in std::fs::read_dir(&export).unwrap() {
            let name = file.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".tmp"), "a temporary file stayed: {name}");
        }
    }

    // A restore onto a ledger on the full disk: exit 1, the ledger as it was.
    disk.empty();
    let elsewhere = db.dir.path().join("whole.db");
    db.ok(&["backup", elsewhere.to_str().unwrap()]);
    let small = ledger_on(&disk);
    let small_before = small.dump();
    disk.fill(4 * 1024);
    let err = small.fails(&["restore", elsewhere.to_str().unwrap(), "--force"], 1);
    assert!(err.contains("full"), "{err}");
    disk.empty();
    assert_eq!(
        small.dump(),
        small_before,
        "the restore left the ledger as it was"
    );
}
