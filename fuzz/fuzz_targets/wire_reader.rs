//! flatbox-wire: `from_reader` into `Value`, value after value, through a
//! reader that hands out a few bytes at a time.
#![no_main]

use std::io::Read;

use flatbox_wire::Value;
use libfuzzer_sys::fuzz_target;

/// A reader that returns at most 3 bytes per call.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(3).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut reader = Trickle(data);
    for _ in 0..64 {
        if flatbox_wire::from_reader::<_, Value>(&mut reader).is_err() || reader.0.is_empty() {
            break;
        }
    }
});
