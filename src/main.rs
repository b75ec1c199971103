//! The `juesuan` command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use juesuan::config::Config;
use juesuan::emit::Dataset;
use juesuan::model::DocumentRow;
use juesuan::pipeline::{self, Progress, RunError};
use juesuan::{maintain, shard};

#[derive(Parser)]
#[command(
    name = "juesuan",
    version,
    about = "Turn folders of 部门决算 disclosure texts into tidy Parquet datasets",
    long_about = "juesuan reads text renderings of Chinese departmental final accounts (部门决算: the nine standard \
tables, the 情况说明 narrative and the 绩效自评 self-evaluations), in any common encoding and from many converters, \
and writes Hive-partitioned Parquet datasets: documents, line_items, indicators, facts and checks.\n\n\
Start with `juesuan run` in a checkout: it reads input/ into output/ as pipeline.toml says.",
    after_help = "Examples:\n  juesuan run                                  # input/ → output/ per ./pipeline.toml\n  juesuan run --input /data/2023 --output /data/out --threads 8\n  juesuan report                               # what the last run produced, what to look at\n  juesuan schema line_items                    # columns and types of a dataset\n  juesuan plan --input A --output T --shards 8 # over many machines (then run --plan, commit)\n  juesuan optimize --output s3://bucket/tables # compact the Delta tables of sharded runs\n\nLogs: set RUST_LOG (e.g. RUST_LOG=juesuan=debug)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Process every document under the input folder into the output datasets
    #[command(
        after_help = "Examples:\n  juesuan run\n  juesuan run --config /etc/juesuan/pipeline.toml\n  juesuan run --input archive/2024 --output out --threads 4\n  juesuan run --incremental                    # nightly: only new and changed files\n\n\
The run writes into a staging folder and swaps each dataset into place at the end: readers never see a half-written run, \
and datasets left out of output.datasets are removed. \
Exit status 0 when the run completed (even if some documents were rejected: see the documents dataset); \
2 with a one-line reason when it could not run or found no document to read (the previous output is kept; \
--allow-empty publishes an empty run); 130 when interrupted (Ctrl-C), the previous output intact."
    )]
    Run {
        /// Config file; without it ./pipeline.toml is used when present, else defaults (input/ → output/)
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Folder read recursively for documents (overrides input.root)
        #[arg(long, value_name = "DIR")]
        input: Option<PathBuf>,
        /// Folder the datasets are written to (overrides output.root)
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Worker threads; 0 means one per core (overrides run.threads)
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Reuse the rows of files unchanged since the previous run (same path and
        /// content); process only new and changed files, drop deleted ones. The
        /// datasets are the same as a full run's.
        #[arg(long)]
        incremental: bool,
        /// Publish the run even when it found no document (by default such a run
        /// is refused: an empty or unmounted folder must not replace the datasets)
        #[arg(long)]
        allow_empty: bool,
        /// Print the run record (the JSON of output/_runs/) instead of the summary
        #[arg(long)]
        json: bool,
        /// No progress bar and no summary
        #[arg(long, short)]
        quiet: bool,
        /// Run one shard of a sharded run: the run folder `juesuan plan` made
        /// (or its plan.json; a path or URL); input, output and settings come from the plan
        #[arg(long, value_name = "RUN_DIR", requires = "shard",
              conflicts_with_all = ["config", "input", "output", "incremental", "allow_empty"])]
        plan: Option<String>,
        /// Which shard: K/N (0 ≤ K < N), K, or `auto` from JOB_COMPLETION_INDEX
        /// (Kubernetes Indexed Job), AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID
        #[arg(long, value_name = "K/N", requires = "plan")]
        shard: Option<String>,
    },
    /// List the input of a sharded run and split it into N shards
    #[command(
        after_help = "Examples:\n  juesuan plan --input /data/archive --output /data/tables --shards 8\n  juesuan plan --input file:///mnt/archive --output file:///mnt/tables --shards 100 --json\n  juesuan plan --input s3://archive/2024 --output s3://tables/juesuan --shards 16\n\nA sharded run has three steps: `plan` (once), `run --plan RUN_DIR --shard K/N` (once per shard, on any \
machine that sees the input and output folders; a repeated attempt of a published shard exits 0), and \
`commit --run RUN_DIR` (once, after all shards). The output holds one Delta Lake table per dataset: read it \
with a Delta reader (deltalake, polars.scan_delta, DuckDB delta_scan, Spark), not by globbing its Parquet \
files, which include parts of uncommitted and earlier runs. Documents are sharded by content \
(doc_id mod N), so identical copies land in one shard and are emitted once, as in a plain run.\n\n\
Object storage (s3://, gs://, az://) is configured from the environment: AWS_ACCESS_KEY_ID, \
AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL (an S3-compatible server), AWS_ALLOW_HTTP=true \
(one without TLS); GOOGLE_SERVICE_ACCOUNT; AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY. \
A shard with object storage works in a local temporary folder (TMPDIR) as large as its documents \
and parts."
    )]
    Plan {
        /// Config file (patterns, datasets, compression), as for `run`
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Folder or URL (file://, s3://, gs://, az://) read recursively for documents
        #[arg(long, value_name = "DIR|URL")]
        input: Option<String>,
        /// Folder or URL of the Delta tables and the run's plan
        #[arg(long, value_name = "DIR|URL")]
        output: Option<String>,
        /// Number of shards: the machines (or array tasks) that will run it
        #[arg(long, value_name = "N")]
        shards: u32,
        /// Threads hashing the input (0: one per core)
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Print the plan's summary as JSON (run id, run folder, documents per shard)
        #[arg(long)]
        json: bool,
    },
    /// Publish a sharded run: one Delta transaction per dataset, once all shards are done
    #[command(
        after_help = "Examples:\n  juesuan commit --run /data/tables/_juesuan/runs/20261206T014157123Z-5c4a\n\nRefuses (exit 2, tables unchanged) while a shard has not published its manifest, or when shards were made \
with other settings or another juesuan version than the plan. Committing a run twice changes nothing; \
committing a run older than the one in the tables is refused. The table versions go to <output>/_runs/<run>.json."
    )]
    Commit {
        /// The run folder `juesuan plan` made (<output>/_juesuan/runs/<run>; a path or URL)
        #[arg(long, value_name = "RUN_DIR")]
        run: String,
        /// Print the run record (JSON) instead of the summary
        #[arg(long)]
        json: bool,
    },
    /// Remove the files the Delta tables of sharded runs no longer reference
    #[command(
        after_help = "Examples:\n  juesuan vacuum --output /data/tables --dry-run\n  juesuan vacuum --output s3://tables/juesuan --retain-hours 48\n\n\
Every commit of a sharded run replaces all files of each table, and shard attempts that crash or \
never get committed leave parts behind: readers going through Delta never see them, but they take \
space. vacuum removes, in every table under the output, the Parquet files the current version does \
not reference and that have been unreferenced (removed by a commit, or written and never committed) \
for longer than the retention. Live files are never removed, nor the parts of published shards of \
a run that may still be committed. A reader of a version older than the retention, or a shard \
writing into a local output for longer than it, would lose its files: keep the retention above \
the longest shard and the longest read."
    )]
    Vacuum {
        /// Folder or URL of the Delta tables (the --output of `juesuan plan`)
        #[arg(long, value_name = "DIR|URL")]
        output: String,
        /// Keep files unreferenced for less than this many hours
        #[arg(long, value_name = "HOURS", default_value_t = 168.0)]
        retain_hours: f64,
        /// List what would be removed; remove nothing
        #[arg(long)]
        dry_run: bool,
        /// Print what was found as JSON
        #[arg(long)]
        json: bool,
    },
    /// Compact the small files of the Delta tables of sharded runs
    #[command(
        after_help = "Examples:\n  juesuan optimize --output /data/tables\n  juesuan optimize --output s3://tables/juesuan --dataset line_items\n\n\
Each shard writes one file per dataset and fiscal year, so a table holds up to shards × years \
files. optimize rewrites each fiscal year's live files as one file and commits, per table, one \
Delta version that removes the old files and adds the new one (marked as no data change): readers \
see the same rows before and after. A run committed meanwhile wins; the compaction of that table \
is then dropped. Run it on a schedule after commits; vacuum removes the replaced files later."
    )]
    Optimize {
        /// Folder or URL of the Delta tables (the --output of `juesuan plan`)
        #[arg(long, value_name = "DIR|URL")]
        output: String,
        /// Only this dataset (repeatable); all by default
        #[arg(long, value_name = "NAME")]
        dataset: Vec<String>,
        /// Config file whose output.compression and row_group_rows the new files use
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Show what a run produced and what to look at, read back from the output
    #[command(
        after_help = "Examples:\n  juesuan report\n  juesuan report --output /data/juesuan --documents 50\n  juesuan report --all\n\n\
Across the archive: documents by status, fiscal year and shape, rows per dataset, failed checks by id. \
Then the documents needing attention (rejected first, then partial with the most failed checks), \
each with its error and its failed checks with the largest differences."
    )]
    Report {
        /// Output folder of a run (default: output.root of ./pipeline.toml, else output/)
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Documents listed
        #[arg(long, value_name = "N", default_value_t = 20)]
        documents: usize,
        /// Failed checks shown per document
        #[arg(long, value_name = "N", default_value_t = 3)]
        checks: usize,
        /// List every document, not only those needing attention
        #[arg(long)]
        all: bool,
        /// Machine-readable report (JSON) instead of text
        #[arg(long)]
        json: bool,
    },
    /// Print the columns and types of the datasets
    #[command(after_help = "Examples:\n  juesuan schema\n  juesuan schema facts")]
    Schema {
        /// One of documents, line_items, indicators, facts, checks (all when omitted)
        dataset: Option<String>,
    },
}

struct Bar {
    bar: ProgressBar,
    /// Set by SIGINT / SIGTERM.
    stop: Arc<AtomicBool>,
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
    }
    fn advance(&self, _doc: &DocumentRow) {
        self.bar.inc(1);
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Ctrl-C and SIGTERM ask the run to stop (it then cleans up and says so); a
/// second one ends the process at once.
fn stop_on_signals() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registered first, so that it sees the flag before the first signal sets it.
        let _ = signal_hook::flag::register_conditional_shutdown(sig, 130, Arc::clone(&stop));
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    stop
}

/// The error and its causes on one line, each cause once: errors that already
/// quote their source (`cannot write x: No such file…`) are not repeated.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The config of a run or report: `--config`, else ./pipeline.toml, else the
/// defaults, which need ./input (for a run) to make sense.
fn load_config(config: Option<PathBuf>, needs_input: bool) -> Result<Config> {
    if let Some(p) = config {
        return Ok(Config::load(&p)?);
    }
    let here = Path::new("pipeline.toml");
    if here.exists() {
        return Ok(Config::load(here)?);
    }
    let cfg = Config::default();
    if needs_input && !cfg.input.exists() {
        let cwd = std::env::current_dir().unwrap_or_default();
        anyhow::bail!(
            "no pipeline.toml in {} and no input/ folder: pass --input DIR (and --output DIR) or --config FILE, or run from a juesuan checkout",
            cwd.display()
        );
    }
    Ok(cfg)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in log files.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // A document that trips a bug is caught and rejected by the run; say so
    // in the log, without a backtrace on the terminal.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(at, "{info}");
    }));
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(RunError::Interrupted(_)) = e.downcast_ref::<RunError>() {
                eprintln!("juesuan: {}", one_line(&e));
                return ExitCode::from(130);
            }
            eprintln!("juesuan: error: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run {
            config,
            input,
            output,
            threads,
            incremental,
            allow_empty,
            json,
            quiet,
            plan,
            shard,
        } => {
            if let (Some(plan), Some(shard)) = (plan, shard) {
                return run_shard(&plan, &shard, threads.unwrap_or(0), json, quiet);
            }
            let mut cfg = load_config(config, input.is_none())?;
            if let Some(i) = input {
                cfg.input = i;
            }
            if let Some(o) = output {
                cfg.output = o;
            }
            if let Some(t) = threads {
                cfg.threads = t;
            }
            cfg.incremental |= incremental;
            cfg.allow_empty = allow_empty;
            if let Some(note) = pipeline::worker_threads(cfg.threads).note() {
                eprintln!("juesuan: note: {note}");
            }
            let summary = pipeline::run(&cfg, &progress_bar(quiet))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&summary.record())?);
            } else if !quiet {
                print!("{}", summary.render());
            }
            Ok(())
        }
        Command::Plan {
            config,
            input,
            output,
            shards,
            threads,
            json,
        } => {
            let mut cfg = load_config(config, input.is_none())?;
            let input = input.unwrap_or_else(|| cfg.input.display().to_string());
            let output = output.unwrap_or_else(|| cfg.output.display().to_string());
            // Named in messages (no document found) as given.
            cfg.input = PathBuf::from(&input);
            cfg.output = PathBuf::from(&output);
            if let Some(t) = threads {
                cfg.threads = t;
            }
            anyhow::ensure!(shards >= 1, "--shards must be at least 1");
            let started = std::time::Instant::now();
            let plan = shard::plan(&cfg, &input, &output, shards)?;
            let per_shard = &plan.documents_per_shard;
            let bytes = plan.bytes;
            let dir = plan.dir();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "run_id": plan.run,
                        "run_dir": dir,
                        "shards": plan.shards,
                        "documents": plan.documents,
                        "hashed": plan.hashed,
                        "documents_per_shard": per_shard,
                        "bytes": bytes,
                        "elapsed_seconds": (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
                    }))?
                );
            } else {
                let shown: Vec<String> = per_shard.iter().take(16).map(|n| n.to_string()).collect();
                println!(
                    "juesuan: planned run {}: {} ({:.1} MB, {} read, the others keyed as in the previous run) in {} shards ({}{}), in {:.2} s\n  run folder: {}\n  next: juesuan run --plan {} --shard K/{}   (K = 0 … {}, one per machine or array task)\n        juesuan commit --run {}",
                    plan.run,
                    pipeline::count(plan.documents, "document"),
                    bytes as f64 / 1e6,
                    plan.hashed,
                    plan.shards,
                    shown.join(", "),
                    if per_shard.len() > 16 { ", …" } else { "" },
                    started.elapsed().as_secs_f64(),
                    dir,
                    dir,
                    plan.shards,
                    plan.shards - 1,
                    dir
                );
            }
            Ok(())
        }
        Command::Commit { run, json } => {
            let plan = shard::Plan::load(&run)?;
            let committed = shard::commit(&plan)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&committed.record(&plan))?
                );
            } else {
                print!("{}", committed.render());
            }
            Ok(())
        }
        Command::Vacuum {
            output,
            retain_hours,
            dry_run,
            json,
        } => {
            anyhow::ensure!(
                retain_hours.is_finite() && retain_hours >= 0.0,
                "--retain-hours must be a number of hours, 0 or more"
            );
            let retain = std::time::Duration::from_secs_f64(retain_hours * 3600.0);
            let v = maintain::vacuum(&output, retain, dry_run)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v.json())?);
            } else {
                print!("{}", v.render());
            }
            Ok(())
        }
        Command::Optimize {
            output,
            dataset,
            config,
        } => {
            let cfg = load_config(config, false)?;
            let datasets = if dataset.is_empty() {
                Dataset::ALL.to_vec()
            } else {
                dataset
                    .iter()
                    .map(|n| {
                        Dataset::from_name(n).with_context(|| {
                            format!(
                                "unknown dataset '{n}' (known: {})",
                                Dataset::ALL.map(|d| d.name()).join(", ")
                            )
                        })
                    })
                    .collect::<Result<Vec<_>>>()?
            };
            let done = maintain::optimize(&output, &datasets, cfg.compression, cfg.row_group_rows)?;
            println!("juesuan: optimize {output}");
            for (d, o) in done {
                let what = match o {
                    maintain::Optimized::Compacted {
                        files,
                        into,
                        version,
                    } => format!("{files} files compacted into {into}, v{version}"),
                    maintain::Optimized::AlreadyCompact { version } => {
                        format!("already one file per fiscal year, v{version} unchanged")
                    }
                    maintain::Optimized::Superseded => {
                        "a run was committed meanwhile; nothing changed".to_string()
                    }
                };
                println!("  {}: {what}", d.name());
            }
            Ok(())
        }
        Command::Report {
            output,
            documents,
            checks,
            all,
            json,
        } => {
            let root = match output {
                Some(o) => o,
                None => load_config(None, false)?.output,
            };
            let opts = juesuan::report::ReportOptions {
                documents,
                checks_per_document: checks,
                all,
            };
            if json {
                let r = juesuan::report::Report::read(&root, opts)?;
                println!("{}", serde_json::to_string_pretty(&r.json())?);
            } else {
                print!("{}", juesuan::report::render(&root, opts)?);
            }
            Ok(())
        }
        Command::Schema { dataset } => {
            let list: Vec<Dataset> = match dataset {
                Some(name) => vec![Dataset::from_name(&name).with_context(|| {
                    format!(
                        "unknown dataset '{name}' (known: {})",
                        Dataset::ALL.map(|d| d.name()).join(", ")
                    )
                })?],
                None => Dataset::ALL.to_vec(),
            };
            for d in list {
                println!("{} — {}", d.name(), d.about());
                let key = match d.key() {
                    [] => "no key".to_string(),
                    k => format!("key ({})", k.join(", ")),
                };
                println!(
                    "  {key}; sorted by {}; Hive-partitioned by fiscal_year",
                    d.sorted_by()
                );
                for f in d.schema().fields() {
                    println!(
                        "  {:<18} {:<26} {}",
                        f.name(),
                        format!(
                            "{}{}",
                            f.data_type(),
                            if f.is_nullable() { "" } else { " not null" }
                        ),
                        f.metadata()
                            .get("description")
                            .map(String::as_str)
                            .unwrap_or("")
                    );
                }
                println!();
            }
            Ok(())
        }
    }
}

/// The progress bar of a run or shard: on a terminal, unless `--quiet`.
fn progress_bar(quiet: bool) -> Bar {
    let stop = stop_on_signals();
    let bar = ProgressBar::with_draw_target(
        None,
        if !quiet && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} documents, {rate}, ETA {eta}",
        )
        .expect("valid template")
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", s.per_sec());
            },
        )
        .progress_chars("=> "),
    );
    Bar { bar, stop }
}

/// `juesuan run --plan RUN_DIR --shard K/N`.
fn run_shard(plan_path: &str, spec: &str, threads: usize, json: bool, quiet: bool) -> Result<()> {
    let plan = shard::Plan::load(plan_path)?;
    let k = shard::parse_shard(spec, &plan, plan_path)?;
    if let Some(note) = pipeline::worker_threads(threads).note() {
        eprintln!("juesuan: note: {note}");
    }
    match shard::run_shard(&plan, k, threads, &progress_bar(quiet))? {
        shard::ShardOutcome::Published { manifest, summary } => {
            if json {
                println!("{}", serde_json::to_string_pretty(&manifest)?);
            } else if !quiet {
                print!("{}", summary.render());
                println!(
                    "  shard {k} of {}: {} parts, published (attempt {}); commit once all shards are: juesuan commit --run {}",
                    plan.shards,
                    manifest.files.len(),
                    manifest.attempt,
                    plan.dir()
                );
            }
        }
        shard::ShardOutcome::AlreadyPublished {
            attempt,
            path,
            raced,
        } => {
            if !quiet {
                println!(
                    "juesuan: shard {k} of {} of run {} was already published by attempt {attempt} ({path}){}; this attempt changed nothing",
                    plan.shards,
                    plan.run,
                    if raced {
                        " while this one ran, whose parts were removed"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    Ok(())
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
