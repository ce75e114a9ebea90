// dcrun: runs a dc program as process 1 with its workers. main only wires the commands.

#include "command_line.hpp"
#include "run_command.hpp"
#include "submit_command.hpp"

#include <dc/exit_codes.hpp>

#include <string>

int main(int argc, char** argv) {
    CLI::App app{"dcrun: run a C++ program with Julia Distributed.jl-style workers", "dcrun"};
    dc::cli::run_options run;
    dc::cli::submit_options submit;
    dc::cli::report_options report;
    dc::cli::setup_dcrun(app, run, submit, report);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : dc::exit_config_error;
    }
    if (auto* sub = app.get_subcommand("submit"); sub->parsed()) {
        submit.run.command = sub->remaining();
        for (int i = 1; i < argc; ++i) {
            if (std::string(argv[i]) == "submit") {
                submit.given.assign(argv + i + 1, argv + argc);
                break;
            }
        }
        return dc::cli::run_submit(submit);
    }
    if (app.get_subcommand("report")->parsed()) return dc::cli::run_report(report);
    run.command = app.remaining();
    return dc::cli::run_program(run);
}
