// Processes: addprocs options reach the worker, ids, rmprocs, topology.

#include <dc/dc.hpp>

#include "cluster/runtime.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

extern std::vector<std::string> g_argv;

namespace {
std::string cwd() {
    return std::filesystem::current_path().string();
}
std::string env_of(std::string name) {
    const char* v = std::getenv(name.c_str());
    return v ? v : "<unset>";
}
std::vector<std::string> argv_of() {
    return g_argv;
}
} // namespace

TEST(procs, ids_count_and_removal) {
    ASSERT_EQ(dc::nprocs(), 1);
    auto ids = dc::addprocs(3);
    ASSERT_EQ(ids.size(), 3u);
    const int first = ids[0]; // 2 when this test runs first; ids are never reused
    EXPECT_GE(first, 2);
    EXPECT_EQ(ids, (std::vector<int>{first, first + 1, first + 2}));
    EXPECT_EQ(dc::procs(), (std::vector<int>{1, ids[0], ids[1], ids[2]}));
    EXPECT_EQ(dc::workers(), ids);
    EXPECT_EQ(dc::nprocs(), 4);
    EXPECT_EQ(dc::nworkers(), 3);
    EXPECT_EQ(dc::myid(), 1);
    dc::rmprocs({ids[1]});
    EXPECT_EQ(dc::workers(), (std::vector<int>{ids[0], ids[2]}));
    EXPECT_THROW(dc::remotecall_fetch([] { return 1; }, ids[1]), dc::process_exited);
    // Workers learn about removals too.
    EXPECT_EQ(dc::remotecall_fetch([] { return dc::procs(); }, ids[0]),
              (std::vector<int>{1, ids[0], ids[2]}));
    auto more = dc::addprocs(1);
    EXPECT_EQ(more, std::vector<int>{ids[2] + 1}); // ids are never reused
    EXPECT_THROW(dc::rmprocs({1}), std::invalid_argument);
    dc::rmprocs(dc::workers());
    EXPECT_EQ(dc::nprocs(), 1);
}

TEST(procs, options_reach_the_worker) {
    const auto dir = std::filesystem::temp_directory_path();
    dc::options o;
    o.exeflags = {"--gtest_filter=none", "two words"};
    o.dir = dir.string();
    o.env = {{"DC_TEST_COLOUR", "teal"}};
    auto ids = dc::addprocs(1, o);
    EXPECT_EQ(dc::remotecall_fetch(cwd, ids[0]), std::filesystem::canonical(dir).string());
    EXPECT_EQ(dc::remotecall_fetch(env_of, ids[0], "DC_TEST_COLOUR"), "teal");
    // The cookie is not left in the worker's environment for programs it starts.
    EXPECT_EQ(dc::remotecall_fetch(env_of, ids[0], "DC_COOKIE"), "<unset>");
    auto argv = dc::remotecall_fetch(argv_of, ids[0]);
    ASSERT_EQ(argv.size(), 3u);
    EXPECT_EQ(argv[1], "--gtest_filter=none");
    EXPECT_EQ(argv[2], "two words");
    dc::rmprocs(ids);
}

TEST(procs, exename_runs_another_program) {
    dc::options o;
    o.exename = "/bin/sh";
    o.exeflags = {"-c", "echo started as a shell; exit 4"};
    o.timeout = 30;
    try {
        dc::addprocs(1, o);
        FAIL() << "a shell cannot become a worker";
    } catch (const dc::launch_error& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find("local manager: worker"), std::string::npos) << text;
        EXPECT_NE(text.find("exited with code 4 before connecting"), std::string::npos) << text;
        EXPECT_NE(text.find("started as a shell"), std::string::npos) << text;
    }
    EXPECT_EQ(dc::nprocs(), 1);
}

TEST(procs, a_worker_that_never_connects_times_out_with_its_output) {
    dc::options o;
    o.exename = "/bin/sh";
    o.exeflags = {"-c", "echo waiting forever; exec sleep 60"};
    o.timeout = 1;
    try {
        dc::addprocs(1, o);
        FAIL() << "expected a launch error";
    } catch (const dc::launch_error& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find("did not connect within 1 s"), std::string::npos) << text;
        EXPECT_NE(text.find("waiting forever"), std::string::npos) << text;
    }
    EXPECT_EQ(dc::nprocs(), 1);
}

TEST(procs, a_different_build_is_refused) {
    dc::options o;
    o.exename = OTHER_BUILD_PATH;
    try {
        dc::addprocs(1, o);
        FAIL() << "expected a launch error";
    } catch (const dc::launch_error& e) {
        EXPECT_NE(std::string(e.what()).find("runs a different build"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(dc::nprocs(), 1);
    EXPECT_EQ(dc::addprocs(1).size(), 1u); // and the master is still fine
    dc::rmprocs(dc::workers());
}

TEST(procs, master_worker_topology_forbids_worker_links) {
    dc::options o;
    o.topology = dc::topology::master_worker;
    auto ids = dc::addprocs(2, o);
    EXPECT_THROW(dc::remotecall_fetch(
                     [](int other) { return dc::remotecall_fetch([] { return 1; }, other); },
                     ids[0], ids[1]),
                 dc::remote_exception);
    EXPECT_EQ(
        dc::remotecall_fetch([] { return dc::remotecall_fetch([] { return 7; }, 1); }, ids[0]), 7);
    dc::rmprocs(ids);
}

TEST(procs, local_workers_listen_on_loopback_only) {
    auto ids = dc::addprocs(1);
    auto addresses =
        dc::remotecall_fetch([] { return dc::detail::runtime::instance().addresses(); }, ids[0]);
    ASSERT_EQ(addresses.size(), 2u);
    EXPECT_EQ(addresses[0].rfind("unix:@", 0), 0u);
    EXPECT_EQ(addresses[1].rfind("tcp:127.0.0.1:", 0), 0u);
    dc::rmprocs(ids);
}
