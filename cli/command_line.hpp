#pragma once
// dcrun's command line on CLI11: the flags of a run, and the `submit` subcommand, declared on
// the plain option structs that the commands take. The only file that includes CLI11.

#include "report_command.hpp"
#include "run_options.hpp"
#include "submit_command.hpp"

#include <CLI/CLI.hpp>

namespace dc::cli {

/// Declares the flags of a run (dcrun's own and submit's) on `app`.
void setup_run(CLI::App& app, run_options& options);
/// Adds `dcrun submit [options] ./app [args...]` to `app`.
CLI::App* setup_submit(CLI::App& app, submit_options& options);
/// Adds `dcrun report run.json [-o report.html]` to `app`.
CLI::App* setup_report(CLI::App& app, report_options& options);
/// dcrun's whole command line, wired to `run`, `submit` and `report`.
void setup_dcrun(CLI::App& app, run_options& run, submit_options& submit, report_options& report);

} // namespace dc::cli
