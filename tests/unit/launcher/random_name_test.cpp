#include <dc/launcher/random_name.hpp>

#include <gtest/gtest.h>

#include <set>

TEST(random_name, gives_the_digits_asked_for_in_lowercase_hex) {
    for (std::size_t digits : {0U, 1U, 7U, 16U, 32U}) {
        const auto text = dc::launcher::random_hex(digits);
        EXPECT_EQ(text.size(), digits);
        EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos) << text;
    }
}

TEST(random_name, names_do_not_repeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(seen.insert(dc::launcher::random_hex(16)).second);
    std::set<char> digits; // every digit turns up in 16000 of them
    for (const auto& s : seen)
        digits.insert(s.begin(), s.end());
    EXPECT_EQ(digits.size(), 16U);
}
