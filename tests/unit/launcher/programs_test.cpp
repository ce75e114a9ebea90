// Finding a program, and how a process ended.

#include <dc/launcher/programs.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

TEST(find_program, looks_a_name_up_on_path_and_takes_a_path_as_it_is) {
    const auto sh = dc::launcher::find_program("sh");
    EXPECT_TRUE(sh == "/usr/bin/sh" || sh == "/bin/sh" || sh == "/usr/local/bin/sh") << sh;
    EXPECT_EQ(dc::launcher::find_program("/bin/sh"), "/bin/sh");
    EXPECT_EQ(dc::launcher::find_program("no-such-program-dc"), "");
    EXPECT_EQ(dc::launcher::find_program("/tmp"), "") << "a directory is not a program";
    EXPECT_EQ(dc::launcher::find_program("/no/such/program"), "");
    EXPECT_EQ(dc::launcher::find_program(""), "");
}

TEST(exit_code_of, is_the_code_or_128_plus_the_signal) {
    EXPECT_EQ(dc::launcher::exit_code_of(7 << 8), 7); // exited with 7
    EXPECT_EQ(dc::launcher::exit_code_of(9), 137);    // killed by SIGKILL
    EXPECT_EQ(dc::launcher::exit_code_of(0), 0);
}
