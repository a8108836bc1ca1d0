//! chemfp's FPS text format: `#FPS1`, `#num_bits=`, `#type=`, `#software=`
//! header lines, then one `hex<TAB>id` line per fingerprint (chemfp's bit
//! order: bit 0 is the low bit of the first byte).

use std::io::{BufRead, Write};

use crate::fp::BitFingerprint;
use crate::spec::{FingerprintSpec, SpecError};

/// Errors reading an FPS file.
#[derive(Debug, thiserror::Error)]
pub enum FpsError {
    /// I/O failure.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A malformed header or record.
    #[error("FPS line {line}: {reason}")]
    Format {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The `#type=` names a Shennong spec that this build cannot use.
    #[error("FPS line {line}: {source}")]
    Spec {
        /// 1-based line number.
        line: usize,
        /// The spec problem.
        source: SpecError,
    },
}

/// The header of an FPS file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FpsHeader {
    /// `#num_bits=`.
    pub num_bits: u32,
    /// `#type=` text, if any.
    pub fp_type: Option<String>,
    /// `#software=`, if any.
    pub software: Option<String>,
    /// The Shennong spec, when `#type=` holds one.
    pub spec: Option<FingerprintSpec>,
}

/// The FPS header for fingerprints made with `spec`.
pub fn header(spec: &FingerprintSpec, source: Option<&str>) -> String {
    let mut text = format!(
        "#FPS1\n#num_bits={}\n#type={spec}\n#software=shennong/{}\n",
        spec.size,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(s) = source {
        text.push_str(&format!("#source={s}\n"));
    }
    text
}

/// One record line, `hex<TAB>id\n`; tabs and newlines in ids become spaces.
pub fn record(fp: &BitFingerprint, id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("{}\t{}\n", fp.to_hex(), id)
}

/// Writes the FPS header for fingerprints made with `spec`.
pub fn write_header<W: Write>(
    out: &mut W,
    spec: &FingerprintSpec,
    source: Option<&str>,
) -> std::io::Result<()> {
    out.write_all(header(spec, source).as_bytes())
}

/// Writes one record (see [`record`]).
pub fn write_record<W: Write>(out: &mut W, fp: &BitFingerprint, id: &str) -> std::io::Result<()> {
    out.write_all(record(fp, id).as_bytes())
}

/// A streaming FPS reader.
pub struct FpsReader<R: BufRead> {
    input: R,
    header: FpsHeader,
    line_no: usize,
    pending: Option<String>,
    buf: String,
}

impl<R: BufRead> FpsReader<R> {
    /// Reads the header.
    pub fn new(mut input: R) -> Result<FpsReader<R>, FpsError> {
        let mut header = FpsHeader::default();
        let mut line_no = 0;
        let mut pending = None;
        let mut saw_bits = false;
        loop {
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                break;
            }
            line_no += 1;
            let text = line.trim_end_matches(['\n', '\r']);
            if line_no == 1 && text != "#FPS1" && text.starts_with('#') {
                return Err(FpsError::Format {
                    line: 1,
                    reason: format!("expected '#FPS1', found '{text}'"),
                });
            }
            let Some(rest) = text.strip_prefix('#') else {
                pending = Some(text.to_string());
                break;
            };
            if let Some(v) = rest.strip_prefix("num_bits=") {
                header.num_bits = v.trim().parse().map_err(|_| FpsError::Format {
                    line: line_no,
                    reason: format!("bad #num_bits '{v}'"),
                })?;
                saw_bits = true;
            } else if let Some(v) = rest.strip_prefix("type=") {
                header.fp_type = Some(v.to_string());
                if v.starts_with("shennong/") {
                    header.spec =
                        Some(FingerprintSpec::parse(v).map_err(|source| FpsError::Spec {
                            line: line_no,
                            source,
                        })?);
                }
            } else if let Some(v) = rest.strip_prefix("software=") {
                header.software = Some(v.to_string());
            }
        }
        if !saw_bits {
            // chemfp infers the size from the first record when absent
            if let Some(first) = pending.as_deref() {
                let hex = first.split('\t').next().unwrap_or("");
                header.num_bits = (hex.len() * 4) as u32;
            }
        }
        if let Some(spec) = &header.spec {
            if spec.size != header.num_bits {
                return Err(FpsError::Format {
                    line: line_no,
                    reason: format!(
                        "#num_bits={} disagrees with #type size {}",
                        header.num_bits, spec.size
                    ),
                });
            }
        }
        Ok(FpsReader {
            input,
            header,
            line_no,
            pending,
            buf: String::new(),
        })
    }

    /// The header.
    pub fn header(&self) -> &FpsHeader {
        &self.header
    }

    fn parse_record(&self, text: &str, line: usize) -> Result<(BitFingerprint, String), FpsError> {
        let (hex, id) = text.split_once('\t').unwrap_or((text, ""));
        let id = id.split('\t').next().unwrap_or("").to_string();
        let fp = BitFingerprint::from_hex(hex, self.header.num_bits)
            .map_err(|reason| FpsError::Format { line, reason })?;
        Ok((fp, id))
    }
}

impl<R: BufRead> Iterator for FpsReader<R> {
    type Item = Result<(BitFingerprint, String), FpsError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(p) = self.pending.take() {
            let line = self.line_no;
            if !p.is_empty() {
                return Some(self.parse_record(&p, line));
            }
        }
        loop {
            self.buf.clear();
            match self.input.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e.into())),
            }
            self.line_no += 1;
            let text = self.buf.trim_end_matches(['\n', '\r']).to_string();
            if text.is_empty() {
                continue;
            }
            let line = self.line_no;
            return Some(self.parse_record(&text, line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{FingerprintSpec, Kind};

    #[test]
    fn fps_round_trip() {
        let spec = FingerprintSpec::new(Kind::Maccs);
        let mut fp = BitFingerprint::new(167);
        fp.set(3);
        fp.set(166);
        let mut out = Vec::new();
        write_header(&mut out, &spec, None).unwrap();
        write_record(&mut out, &fp, "mol\t1").unwrap();
        let mut r = FpsReader::new(&out[..]).unwrap();
        assert_eq!(r.header().num_bits, 167);
        assert_eq!(r.header().spec.as_ref(), Some(&spec));
        let (back, id) = r.next().unwrap().unwrap();
        assert_eq!(back, fp);
        assert_eq!(id, "mol 1");
        assert!(r.next().is_none());
    }

    #[test]
    fn bad_records_name_their_line() {
        let text = "#FPS1\n#num_bits=16\n0102\ta\nzz02\tb\n";
        let mut r = FpsReader::new(text.as_bytes()).unwrap();
        assert!(r.next().unwrap().is_ok());
        let err = r.next().unwrap().unwrap_err().to_string();
        assert!(err.starts_with("FPS line 4:"), "{err}");
    }
}
