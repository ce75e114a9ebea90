#include "host_list.hpp"

#include <dc/errors.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace dc::cli;

namespace {
std::string machine_file(const std::string& text) {
    const auto path =
        (std::filesystem::temp_directory_path() / ("dc_machines_" + std::to_string(::getpid())))
            .string();
    std::ofstream(path) << text;
    return path;
}
std::string error_of(const std::string& text) {
    const auto path = machine_file(text);
    try {
        read_machine_file(path);
    } catch (const dc::config_error& e) {
        return std::string(e.what()).substr(path.size());
    }
    return "";
}
} // namespace

TEST(host_list, hosts_flag_takes_counts_after_the_colon) {
    auto h = parse_hosts_flag("a,b:4,alice@c:2,d:auto");
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[0].host, "a");
    EXPECT_FALSE(h[0].count.has_value());
    EXPECT_EQ(h[1].count, 4);
    EXPECT_EQ(h[2].user, "alice");
    EXPECT_EQ(h[2].count, 2);
    EXPECT_TRUE(h[3].auto_count);
}

TEST(host_list, bad_hosts_flags_name_the_entry) {
    try {
        parse_hosts_flag("a,b:zero");
        FAIL();
    } catch (const dc::config_error& e) {
        EXPECT_NE(std::string(e.what()).find("--hosts: 'b:zero': the count"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(parse_hosts_flag("a,,b"), dc::config_error);
    EXPECT_THROW(parse_hosts_flag("@c:2"), dc::config_error);
}

TEST(host_list, machine_files_follow_julias_format) {
    const auto path =
        machine_file("# workers\n4*alice@node1:2222 10.0.0.1\nnode2\n\nauto*node3  # all cpus\n");
    auto h = read_machine_file(path);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].count, 4);
    EXPECT_EQ(h[0].user, "alice");
    EXPECT_EQ(h[0].port, 2222);
    EXPECT_EQ(h[1].host, "node2");
    EXPECT_TRUE(h[2].auto_count);
}

TEST(host_list, machine_file_mistakes_have_a_position) {
    EXPECT_EQ(error_of("node1\n  x*node2\n").substr(0, 60),
              ":2:3: the count before '*' must be a number >= 1 or auto\n  h");
    EXPECT_NE(error_of("node1:99999\n").find(":1:1: bad port '99999'"), std::string::npos);
    EXPECT_NE(error_of("node1 10.0.0.1 extra\n").find(":1:16: unexpected text"), std::string::npos);
    EXPECT_NE(error_of("# nothing\n").find("lists no hosts"), std::string::npos);
}
