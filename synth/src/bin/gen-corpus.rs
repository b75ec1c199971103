//! Writes a synthetic archive and its expected rows:
//!
//!   gen-corpus --out DIR [--count N | --size-mb M] [--seed S] [--shapes tab,ocr,...,html-text,pdf]
//!
//! DIR/input/ holds the documents, DIR/gold/{tables,indicators,facts}/ the expected
//! rows (the format of tests/gold, readable by score.py).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use juesuan_synth::{Shape, document};

const USAGE: &str = "usage: gen-corpus --out DIR [--count N | --size-mb M] [--seed S] [--shapes tab,ocr,flattened,cell-per-line,narrative,layout,raw,template,html-text,pdf] [--no-gold]

Generates N synthetic disclosures (or as many as make M megabytes), seeded and
reproducible, across the input shapes and encodings of real archives, and writes the
rows a correct reader recovers next to them. The default shapes are the text shapes
of the first archives; `html-text` (a crawler's text of the report's web page) and
`pdf` (PDF reports, for scripts/render-converters and PDF readers) are asked for by
name, e.g. --shapes pdf. The 情况说明 of every shape with prose is printed in the
ways documents print it (letter-spaced justified lines, continuation lines out of
order, unchanged items stated apart, an older template).

  DIR/input/NNNNNN_<shape>_<year>.txt       the documents (.pdf for the pdf shape)
  DIR/gold/{tables,indicators,facts}/*.tsv  their expected rows (score.py's gold format)
  DIR/gold/prose.tsv                        how each document's 情况说明 was printed
                                            (source, shape, classes: letter_spaced,
                                            swapped_lines, unchanged_apart,
                                            older_template, crawler_text; none: plain)

example: gen-corpus --out /tmp/synth --count 400 --seed 1";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut out: Option<PathBuf> = None;
    let mut count: Option<u64> = None;
    let mut size_mb: Option<u64> = None;
    let mut seed = 1u64;
    let mut shapes = Shape::ALL.to_vec();
    let mut gold = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value\n\n{USAGE}"));
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--count" => count = Some(value()?.parse().map_err(|e| format!("--count: {e}"))?),
            "--size-mb" => size_mb = Some(value()?.parse().map_err(|e| format!("--size-mb: {e}"))?),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--shapes" => {
                shapes = value()?
                    .split(',')
                    .map(|s| {
                        Shape::parse(s.trim()).ok_or(format!("unknown shape {s:?}\n\n{USAGE}"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--no-gold" => gold = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    let out = out.ok_or(format!("--out is required\n\n{USAGE}"))?;
    if shapes.contains(&Shape::Pdf) {
        juesuan_synth::pdf::font_available()?;
    }
    if count.is_none() && size_mb.is_none() {
        count = Some(100);
    }
    let input = out.join("input");
    std::fs::create_dir_all(&input).map_err(|e| format!("{}: {e}", input.display()))?;
    if gold {
        for k in ["tables", "indicators", "facts"] {
            std::fs::create_dir_all(out.join("gold").join(k))
                .map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    let budget = size_mb.map(|m| m * 1_000_000);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as u64;
    let mut index = 0u64;
    let mut bytes = 0u64;
    let mut prose = vec!["source\tshape\tclasses\n".to_string()];
    let started = std::time::Instant::now();
    loop {
        let batch: Vec<u64> = (index..index + 64 * threads)
            .filter(|i| count.is_none_or(|c| *i < c))
            .collect();
        if batch.is_empty() || budget.is_some_and(|b| bytes >= b) {
            break;
        }
        let written: Vec<Result<(u64, Vec<String>), String>> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(batch.len().div_ceil(threads as usize))
                .map(|chunk| {
                    let (input, out, shapes) = (&input, &out, &shapes);
                    s.spawn(move || -> Result<(u64, Vec<String>), String> {
                        let (mut n, mut classes) = (0, Vec::new());
                        for &i in chunk {
                            let d = document(seed, i, shapes);
                            if d.shape.has_facts() {
                                classes.push(format!(
                                    "{}\t{}\t{}\n",
                                    d.file_name,
                                    d.shape.name(),
                                    d.prose_classes().join(",")
                                ));
                            }
                            write(&input.join(&d.file_name), &d.bytes)?;
                            if gold {
                                let stem = d.stem();
                                write(
                                    &out.join("gold/tables").join(format!("{stem}.tsv")),
                                    d.tables_tsv.as_bytes(),
                                )?;
                                write(
                                    &out.join("gold/indicators").join(format!("{stem}.tsv")),
                                    d.indicators_tsv.as_bytes(),
                                )?;
                                write(
                                    &out.join("gold/facts").join(format!("{stem}.tsv")),
                                    d.facts_tsv.as_bytes(),
                                )?;
                            }
                            n += d.bytes.len() as u64;
                        }
                        Ok((n, classes))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("generator thread"))
                .collect()
        });
        for w in written {
            let (n, classes) = w?;
            bytes += n;
            prose.extend(classes);
        }
        index += batch.len() as u64;
        if index % 4096 < 64 * threads && std::io::stderr().is_terminal() {
            eprint!(
                "\rgen-corpus: {index} documents, {:.0} MB",
                bytes as f64 / 1e6
            );
            let _ = std::io::stderr().flush();
        }
    }
    if gold {
        // The batches come back in order: the rows follow the documents.
        write(&out.join("gold/prose.tsv"), prose.concat().as_bytes())?;
    }
    eprintln!(
        "\rgen-corpus: {index} documents, {:.1} MB in {}, seed {seed}, in {:.1}s",
        bytes as f64 / 1e6,
        input.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
