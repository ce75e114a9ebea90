// dcrun: runs a dc program as process 1 with its workers. main only wires the subcommands.

#include "run_command.hpp"
#include "submit_command.hpp"

#include <dc/exit_codes.hpp>

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "submit") {
        return dc::cli::submit_program(std::vector<std::string>(argv + 2, argv + argc));
    }
    CLI::App app{"dcrun: run a C++ program with Julia Distributed.jl-style workers", "dcrun"};
    app.set_version_flag("--version", "dcrun 0.1.0");
    dc::cli::run_options run;
    dc::cli::setup_run(app, run);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : dc::exit_config_error;
    }
    run.command = app.remaining();
    return dc::cli::run_program(run);
}
