// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use passerelle::flow::RawSettings;

/// Sign in to your learning platform and see your profile.
#[derive(Parser)]
#[command(name = "passerelle", version)]
struct Cli {
    #[command(flatten)]
    settings: RawSettings,
}

fn main() {
    let cli = Cli::parse();
    let _log_guard = passerelle::logging::init(passerelle::logging::log_dir());
    passerelle::app::run(cli.settings);
}
