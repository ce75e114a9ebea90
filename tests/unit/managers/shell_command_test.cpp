// The command line the ssh manager runs on a host (and the pbs job script embeds): a real sh
// reads it back to the same program, arguments, directory and environment.

#include "common/shell_quote.hpp"

#include <dc/launcher/run_tool.hpp>

#include <gtest/gtest.h>

#include <filesystem>

TEST(shell_command, sh_runs_it_with_every_word_intact) {
    dc::launcher::worker_command cmd;
    cmd.exe = "/bin/sh";
    cmd.args = {"-c", R"sh(printf '[%s]' "$0" "$1" "$DC_TEST_VALUE" "$(pwd)")sh", "it's",
                "a \"b\" $c"};
    cmd.dir = std::filesystem::temp_directory_path().string();
    cmd.env = {{"DC_TEST_VALUE", "x y;z'w"}};
    const auto line = dc::managers::shell_command(cmd);
    EXPECT_EQ(line.rfind("cd ", 0), 0U) << line;
    EXPECT_NE(line.find(" && exec env "), std::string::npos) << line;
    const auto r = dc::launcher::run_tool("/bin/sh", {"-c", line});
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out, "[it's][a \"b\" $c][x y;z'w][" + cmd.dir + "]");
    EXPECT_EQ(dc::managers::shell_command(cmd, false).find("exec"), std::string::npos);
}
