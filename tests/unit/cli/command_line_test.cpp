// dcrun's command line as CLI11 parses it into the plain option structs.

#include "command_line.hpp"

#include <gtest/gtest.h>

namespace {

struct parsed {
    CLI::App app{"dcrun", "dcrun"};
    dc::cli::run_options run;
    dc::cli::submit_options submit;
    dc::cli::report_options report;

    explicit parsed(std::vector<std::string> args) {
        dc::cli::setup_dcrun(app, run, submit, report);
        std::reverse(args.begin(), args.end());
        app.parse(args);
        run.command = app.remaining();
        if (app.get_subcommand("submit")->parsed()) {
            submit.run.command = app.get_subcommand("submit")->remaining();
        }
    }
};

} // namespace

TEST(command_line, options_before_the_program_are_dcruns_and_the_rest_the_programs) {
    parsed p({"-p", "2", "--exeflags", "-v 'a b'", "--exeflags", "x", "--env", "K=V", "./app", "-p",
              "9", "--help"});
    EXPECT_EQ(p.run.procs, "2");
    EXPECT_EQ(p.run.exeflags, (std::vector<std::string>{"-v", "a b", "x"}));
    EXPECT_EQ(p.run.env, std::vector<std::string>{"K=V"});
    EXPECT_EQ(p.run.command, (std::vector<std::string>{"./app", "-p", "9", "--help"}));
    EXPECT_FALSE(p.app.get_subcommand("submit")->parsed());
}

TEST(command_line, submit_is_a_subcommand_with_the_run_flags_and_its_own) {
    parsed p({"submit", "-n", "3", "--partition", "debug", "--wait", "./app", "x"});
    ASSERT_TRUE(p.app.get_subcommand("submit")->parsed());
    EXPECT_EQ(p.submit.run.procs, "3");
    EXPECT_EQ(p.submit.run.slurm_flags.partition, "debug");
    EXPECT_TRUE(p.submit.wait);
    EXPECT_FALSE(p.submit.print_script);
    EXPECT_EQ(p.submit.run.command, (std::vector<std::string>{"./app", "x"}));
    p.submit.given = {"-n", "3", "--partition", "debug", "--wait", "./app", "x"};
    EXPECT_EQ(dc::cli::forwarded_options(p.submit),
              (std::vector<std::string>{"-n", "3", "--partition", "debug"}));
}

TEST(command_line, fixed_choices_and_numbers_are_checked_by_the_parser) {
    EXPECT_THROW(parsed({"--log-level", "loud", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--manager", "kubernetes", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--topology", "ring", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--pbs-dialect", "lsf", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--ssh-host-key-check", "maybe", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"-p", "many", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--timeout", "-1", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--heartbeat", "-2", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--heartbeat", "soon", "./app"}), CLI::ValidationError);
    EXPECT_NO_THROW(parsed({"--heartbeat", "0", "./app"}));
    EXPECT_THROW(parsed({"--drain-before", "-1", "./app"}), CLI::ValidationError);
    EXPECT_NO_THROW(parsed({"--drain-before", "0", "--replace-workers", "./app"}));
    EXPECT_THROW(parsed({"--adapt", "6", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--adapt", "4:2", "./app"}), CLI::ValidationError);
    EXPECT_NO_THROW(parsed({"--adapt", "1:6", "--idle-timeout", "30", "./app"}));
    EXPECT_THROW(parsed({"--idle-timeout", "0", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--env", "NOEQUALS", "./app"}), CLI::ValidationError);
    EXPECT_THROW(parsed({"--exeflags", "'open", "./app"}), CLI::ValidationError);
    EXPECT_NO_THROW(parsed({"-p", "auto", "--manager", "pbs", "./app"}));
}

TEST(command_line, help_names_the_program_argument_and_the_submit_subcommand) {
    CLI::App app{"dcrun", "dcrun"};
    dc::cli::run_options run;
    dc::cli::submit_options submit;
    dc::cli::report_options report;
    dc::cli::setup_dcrun(app, run, submit, report);
    const auto help = app.help();
    EXPECT_NE(help.find("Usage: dcrun [OPTIONS] [SUBCOMMAND] PROGRAM [ARGS...]"), std::string::npos)
        << help;
    EXPECT_NE(help.find("submit"), std::string::npos) << help;
    EXPECT_NE(help.find("report"), std::string::npos) << help;
}
