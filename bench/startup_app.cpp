// Start-up benchmark: the smallest program that gets one result from a worker.
#include <dc/dc.hpp>

#include <iostream>

int main(int argc, char** argv) {
    dc::init(argc, argv);
    std::cout << dc::remotecall_fetch([] { return dc::myid(); }, dc::workers().front()) << "\n";
}
