#pragma once
// Random text for names and secrets: socket and segment names, run directories, job tags and
// the cluster cookie. From the kernel's getrandom (no CPU feature probing at start-up, which
// is slow in virtual machines).

#include <string>

namespace dc::launcher {

/// `digits` random lowercase hexadecimal digits.
std::string random_hex(std::size_t digits);

} // namespace dc::launcher
