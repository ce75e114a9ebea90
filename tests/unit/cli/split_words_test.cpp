#include "run_command.hpp"

#include <gtest/gtest.h>

using dc::cli::split_words;

TEST(split_words, splits_on_spaces_and_honours_quotes) {
    EXPECT_EQ(split_words("-v  --name 'a b' \"c d\" e"),
              (std::vector<std::string>{"-v", "--name", "a b", "c d", "e"}));
    EXPECT_EQ(split_words("''"), std::vector<std::string>{""});
    EXPECT_TRUE(split_words("   ").empty());
}

TEST(split_words, unbalanced_quotes_are_an_error) {
    EXPECT_THROW(split_words("'open"), std::runtime_error);
}
