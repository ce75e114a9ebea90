#include <dc/launcher/bootstrap.hpp>

#include <gtest/gtest.h>

using namespace dc::launcher::env;

TEST(bootstrap, lists_survive_spaces_quotes_and_equals) {
    std::vector<std::string> items{"--flag", "two words", "K=V=W", "'quoted'", ""};
    EXPECT_EQ(split_list(join_list(items)), items);
    EXPECT_TRUE(split_list("").empty());
}
