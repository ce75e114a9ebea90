// The DC_LAUNCH_* variables dcrun writes and the master reads: one encoder, one decoder.

#include <dc/errors.hpp>
#include <dc/launcher/bootstrap.hpp>
#include <dc/launcher/launch_plan.hpp>

#include <gtest/gtest.h>

using dc::launcher::decode_launch_plan;
using dc::launcher::encode_launch_plan;
using dc::launcher::launch_plan;

TEST(launch_plan, every_field_survives_the_environment) {
    launch_plan p;
    p.procs = 12;
    p.manager = "slurm";
    p.manager_settings = R"({"slurm":{"partition":"debug"}})";
    p.exename = "/opt/app v2/bin/app";
    p.exeflags = {"--name", "it's \"quoted\"", "", "a\tb\nc"};
    p.dir = "/scratch/run 1";
    p.env = {"A=1", "B=x=y", "C="};
    p.timeout = 0.1;
    p.topology = "master_worker";
    p.log_level = "debug";
    p.bind_to = "10.0.0.0/8";
    p.drain_before = 90;
    p.replace_workers = true;
    p.adapt = "1:6";
    p.idle_timeout = 30;
    p.trace = "/tmp/run 1.json";
    p.quiet = true;
    EXPECT_EQ(decode_launch_plan(encode_launch_plan(p)), p);
}

TEST(launch_plan, adapt_ranges_are_min_colon_max) {
    EXPECT_EQ(dc::launcher::parse_adapt_range("1:6"), std::make_pair(1, 6));
    EXPECT_EQ(dc::launcher::parse_adapt_range("0:1"), std::make_pair(0, 1));
    for (const char* bad : {"", "6", "3:1", "0:0", "-1:4", "1:", ":4", "1:6:8", "a:b", "1 :6"})
        EXPECT_FALSE(dc::launcher::parse_adapt_range(bad)) << bad;
}

TEST(launch_plan, defaults_write_only_the_worker_count) {
    const auto vars = encode_launch_plan(launch_plan{});
    ASSERT_EQ(vars.size(), 1U);
    EXPECT_EQ(vars.at(dc::launcher::env::procs), "0");
    EXPECT_EQ(decode_launch_plan(vars), launch_plan{});
    launch_plan one_empty_flag;
    one_empty_flag.exeflags = {""};
    EXPECT_EQ(decode_launch_plan(encode_launch_plan(one_empty_flag)), one_empty_flag);
}

TEST(launch_plan, a_malformed_variable_is_named) {
    try {
        decode_launch_plan({{dc::launcher::env::procs, "2x"}});
        FAIL() << "no error";
    } catch (const dc::config_error& e) {
        EXPECT_NE(std::string(e.what()).find("DC_LAUNCH_PROCS=2x: not a number"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(
        decode_launch_plan({{dc::launcher::env::procs, "1"}, {dc::launcher::env::timeout, "soon"}}),
        dc::config_error);
}
