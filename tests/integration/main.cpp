// The integration test binary is its own worker program: dc::init turns the copies that the
// tests start into workers, and only the master runs the tests.

#include <dc/dc.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

std::vector<std::string> g_argv; // what this process was started with (tests ask workers)

int main(int argc, char** argv) {
    g_argv.assign(argv, argv + argc);
    dc::init(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
