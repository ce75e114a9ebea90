#include "cluster_file.hpp"

#include <dc/errors.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using dc::cli::read_cluster_file;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("dc_cfg_" + std::to_string(::getpid()) + "_" + name))
                          .string();
    std::ofstream(path) << text;
    return path;
}

/// The error text for a file with `text`, or "" if it was accepted.
std::string error_for(const std::string& name, const std::string& text) {
    const auto path = write_file(name, text);
    try {
        read_cluster_file(path);
    } catch (const dc::config_error& e) {
        std::filesystem::remove(path);
        std::string what = e.what();
        return what.substr(path.size()); // from ":line:column: ..."
    }
    std::filesystem::remove(path);
    return "";
}

} // namespace

TEST(cluster_file, the_example_files_are_valid) {
    const std::string dir = CONFIGS_DIR;
    auto local = read_cluster_file(dir + "/local.yaml");
    EXPECT_EQ(local.manager, "local");
    EXPECT_EQ(local.workers, 4);
    EXPECT_EQ(local.env.at("OMP_NUM_THREADS"), "1");
    EXPECT_EQ(local.exeflags, std::vector<std::string>{"--quiet"});
    auto toml = read_cluster_file(dir + "/local.toml");
    EXPECT_EQ(toml.workers, 4);
    EXPECT_EQ(toml.env, local.env);
    EXPECT_EQ(toml.timeout, local.timeout);
    auto ssh = read_cluster_file(dir + "/ssh.yaml");
    EXPECT_EQ(ssh.heartbeat, 10.0);
    ASSERT_EQ(ssh.settings.ssh.hosts.size(), 3u);
    EXPECT_EQ(ssh.settings.ssh.hosts[1].user, "alice");
    EXPECT_EQ(ssh.settings.ssh.hosts[1].port, 2222);
    EXPECT_TRUE(ssh.settings.ssh.hosts[2].auto_count);
    EXPECT_EQ(ssh.settings.ssh.host_key_check, "strict");
    const auto slurm = read_cluster_file(dir + "/slurm.yaml");
    EXPECT_EQ(slurm.settings.slurm.ntasks_per_node, 4);
    EXPECT_EQ(slurm.drain_before, 120.0);
    EXPECT_EQ(slurm.replace_workers, true);
    const auto pbs = read_cluster_file(dir + "/pbs.yaml");
    EXPECT_EQ(pbs.settings.pbs.dialect, "torque");
    EXPECT_EQ(pbs.adapt, "1:16");
    EXPECT_EQ(pbs.idle_timeout, 300.0);
}

TEST(cluster_file, an_unknown_key_is_placed_and_a_near_one_suggested) {
    EXPECT_EQ(error_for("a.yaml", "manager: local\nworker: 4\n"),
              ":2:1: unknown key 'worker' in the cluster file\n  hint: did you mean 'workers'?");
    EXPECT_EQ(error_for("b.yaml", "ssh:\n  hostz: [a]\n"),
              ":2:3: unknown key 'hostz' in ssh\n  hint: did you mean 'hosts'?");
    EXPECT_NE(error_for("c.toml", "workers = 2\nwokers = 3\n").find("did you mean 'workers'?"),
              std::string::npos);
}

TEST(cluster_file, a_wrong_type_says_what_was_expected) {
    EXPECT_EQ(error_for("d.yaml", "workers: four\n").substr(0, 60),
              ":1:10: 'workers' must be a whole number >= 0, got 'four'\n  h");
    EXPECT_NE(
        error_for("e.toml", "workers = \"4\"\n").find(":1:11: 'workers' must be a whole number"),
        std::string::npos);
    EXPECT_NE(error_for("f.yaml", "timeout: -3\n").find("positive number of seconds"),
              std::string::npos);
    EXPECT_EQ(error_for("g.yaml", "adapt: \"6:1\"\n").substr(0, 70),
              ":1:8: 'adapt' must be MIN:MAX with 0 <= MIN <= MAX and MAX >= 1\n  hint");
    EXPECT_NE(error_for("h.toml", "replace_workers = \"yes\"\n").find(":1:19: 'replace_workers'"),
              std::string::npos);
    EXPECT_NE(error_for("f2.yaml", "heartbeat: often\n")
                  .find(":1:12: 'heartbeat' must be a positive number of seconds"),
              std::string::npos);
    EXPECT_NE(error_for("g.yaml", "exeflags: --fast\n").find("'exeflags' must be a list"),
              std::string::npos);
    EXPECT_NE(error_for("h.yaml", "env: [A]\n").find("'env' must be a table"), std::string::npos);
    EXPECT_NE(error_for("i.yaml", "ssh:\n  tunnel: maybe\n")
                  .find(":2:11: 'tunnel' must be true or false"),
              std::string::npos);
}

TEST(cluster_file, a_bad_choice_gets_the_closest_one) {
    EXPECT_EQ(error_for("j.yaml", "manager: slrum\n"),
              ":1:10: 'manager' cannot be 'slrum'\n  hint: did you mean 'slurm'?");
    EXPECT_NE(error_for("k.yaml", "pbs:\n  dialect: sge\n").find("use one of torque, pbspro"),
              std::string::npos);
    EXPECT_NE(error_for("k2.yaml", "slurm:\n  mode: arrays\n").find("did you mean 'array'?"),
              std::string::npos);
}

TEST(cluster_file, a_missing_value_is_named) {
    EXPECT_NE(error_for("l.yaml", "manager: ssh\n").find(":1:10: manager 'ssh' needs ssh.hosts"),
              std::string::npos);
    EXPECT_NE(error_for("m.yaml", "ssh:\n  hosts:\n    - user: bob\n")
                  .find(":3:7: an ssh host needs 'host'"),
              std::string::npos);
}

TEST(cluster_file, a_bad_host_is_placed) {
    EXPECT_NE(error_for("n.yaml", "ssh:\n  hosts: [ok, \"bob@node:99999\"]\n")
                  .find(":2:15: bad port '99999' in host 'bob@node:99999'"),
              std::string::npos);
    EXPECT_THROW(dc::cli::parse_host_spec("@node"), std::invalid_argument);
    EXPECT_THROW(dc::cli::parse_host_spec("alice@:22"), std::invalid_argument);
    auto h = dc::cli::parse_host_spec("alice@node1:2222");
    EXPECT_EQ(h.user, "alice");
    EXPECT_EQ(h.host, "node1");
    EXPECT_EQ(h.port, 2222);
    EXPECT_EQ(dc::cli::parse_host_spec("node2").port, 22);
}

TEST(cluster_file, syntax_errors_have_a_position) {
    EXPECT_EQ(error_for("o.yaml", "workers: [1, 2\n").substr(0, 5), ":2:1:");
    EXPECT_EQ(error_for("p.toml", "workers = \n").substr(0, 3), ":1:");
    EXPECT_NE(error_for("q.txt", "workers: 1\n").find("end in .yaml, .yml or .toml"),
              std::string::npos);
    EXPECT_NE(error_for("missing-dir/r.yaml", "").find("cannot read"), std::string::npos);
}
