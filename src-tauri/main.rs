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
    passerelle::init_logging();
    passerelle::app::run(cli.settings);
}
