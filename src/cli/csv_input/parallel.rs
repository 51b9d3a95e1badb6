//! Reading rows on a second thread: the file is read, split into cells and each row's values
//! parsed there, while the calling thread hands the rows before it to the ledger. An import of
//! a million expenses spends about a third of its time reading and parsing, which then
//! overlaps SQLite's writing instead of adding to it.
//!
//! Rows go over in batches and come back once taken, to be dropped (and their cells' buffers
//! used again) by the thread that made them: memory freed by another thread than the one that
//! allocated it makes the allocator take locks, and that cost as much as the reading saved.

use std::sync::mpsc;

use super::problems::Problems;
use super::{CsvInput, CsvRow, Place, RowRead};
use crate::error::{Error, ErrorKind, Result};

/// Rows sent to the calling thread at once: one hand-over per row would cost more than
/// parsing it.
const BATCH: usize = 512;

/// Batches read ahead of the calling thread: memory stays small whatever the file's size.
const AHEAD: usize = 4;

/// A row as the reading thread hands it over: its cells go with it, for a refusal by the
/// ledger to be placed in the file as one found while reading is.
enum Parsed<U> {
    Row(Place, csv::StringRecord, U),
    Refused(Error),
    Unclosed(Error),
}

/// Rows taken, on their way back to the thread that read them.
type Taken<U> = Vec<(csv::StringRecord, U)>;

impl CsvInput {
    /// [`CsvInput::rows`], with each row read as `T` and turned into `U` by `parse` on a second
    /// thread, while `each` takes the rows before it on this one, in the file's order. Rows
    /// refused by either are reported together, as `rows` reports them.
    pub fn rows_parsed<T, U>(
        &mut self,
        parse: impl Fn(T) -> Result<U> + Sync,
        mut each: impl FnMut(&U, Place) -> Result<()>,
    ) -> Result<u64>
    where
        T: CsvRow,
        U: Send,
    {
        self.check_columns(T::REQUIRED, T::OPTIONAL)?;
        let mut problems = Problems::default();
        let (this, parse) = (&*self, &parse);
        let (batches, arrived) = mpsc::sync_channel::<Vec<Parsed<U>>>(AHEAD);
        let (give_back, returned) = mpsc::channel::<Taken<U>>();
        let count = std::thread::scope(|scope| {
            let reading = scope.spawn(move || {
                let mut cells: Vec<csv::StringRecord> = Vec::new();
                let mut batch = Vec::with_capacity(BATCH);
                let count = this.read_rows(|read: RowRead<T>| {
                    let parsed = match read {
                        RowRead::Row(place, record, value) => match value.and_then(parse) {
                            Ok(value) => {
                                let mut copy = cells.pop().unwrap_or_default();
                                copy.clear();
                                copy.extend(record);
                                Parsed::Row(place, copy, value)
                            }
                            Err(e) if e.kind != ErrorKind::Invalid => return Err(e),
                            Err(e) => Parsed::Refused(this.at(place.line, Some(record), &e)),
                        },
                        RowRead::Refused(e) => Parsed::Refused(e),
                        RowRead::Unclosed(e) => Parsed::Unclosed(e),
                    };
                    batch.push(parsed);
                    if batch.len() == BATCH {
                        for (record, value) in returned.try_iter().flatten() {
                            drop(value);
                            cells.push(record);
                        }
                        send(
                            &batches,
                            std::mem::replace(&mut batch, Vec::with_capacity(BATCH)),
                        )?;
                    }
                    Ok(())
                });
                send(&batches, batch)?;
                count
            });
            // The receiver goes when this ends, early or not, so that the reading thread stops.
            let taken = arrived.into_iter().try_for_each(|batch| {
                let mut taken = Vec::with_capacity(batch.len());
                for parsed in batch {
                    match parsed {
                        Parsed::Row(place, record, value) => {
                            let outcome = each(&value, place);
                            this.settle(&mut problems, place, &record, outcome)?;
                            taken.push((record, value));
                        }
                        Parsed::Refused(e) => problems.add(e),
                        Parsed::Unclosed(e) => problems.unclosed(e),
                    }
                }
                // Gone only once the reading thread has finished: then this thread drops them.
                let _ = give_back.send(taken);
                Ok(())
            });
            let read = reading
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // A stop here is the reason the reading stopped, if it did.
            taken.and(read)
        })?;
        self.finish(problems, count)
    }
}

/// Hand a batch over; fails only when the calling thread has stopped taking rows.
fn send<U>(batches: &mpsc::SyncSender<Vec<Parsed<U>>>, batch: Vec<Parsed<U>>) -> Result<()> {
    batches
        .send(batch)
        .map_err(|_| Error::runtime("the import stopped while its rows were being read"))
}
