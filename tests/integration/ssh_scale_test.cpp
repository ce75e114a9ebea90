// The ssh manager at scale (label `scale`): eight workers on each of sixteen hosts (network
// namespaces with their own sshd, tests/testbeds/ssh-scale-up.sh), with everywhere, a pmap over
// every worker and a ring of worker-to-worker calls across the hosts.

#include "process_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;

TEST(ssh_scale, eight_workers_on_each_of_sixteen_hosts) {
    const fs::path bed = SSH_SCALE_TESTBED_DIR;
    const auto config =
        fs::temp_directory_path() / ("ssh_scale_" + std::to_string(::getpid()) + ".yaml");
    {
        std::ofstream out(config);
        out << "manager: ssh\nssh:\n  identity: " << (bed / "id_ed25519").string()
            << "\n  known_hosts: " << (bed / "known_hosts").string() << "\n  hosts:\n";
        std::ifstream hosts(bed / "hosts");
        for (std::string host; std::getline(hosts, host);)
            out << "    - host: " << host << "\n      user: root\n      count: 8\n";
    }
    auto r = run_command(
        {DCRUN_PATH, "--config", config.string(), "--timeout", "300", TEST_APP_PATH, "scale"}, {},
        400);
    fs::remove(config);
    ASSERT_EQ(r.code, 0) << r.err.substr(0, 3000);
    const long items = 4L * 128;
    EXPECT_NE(r.out.find("workers 128 everywhere done pmap sum " +
                         std::to_string(items * (items + 1)) + " ring 128 places 16\n"),
              std::string::npos)
        << r.out.substr(0, 2000);
}
