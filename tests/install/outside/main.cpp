// A program outside the dc repository, built against the installed package.
#include <dc/dc.hpp>

#include <iostream>

int main(int argc, char** argv) {
    dc::init(argc, argv);
    int sum = 0;
    for (int id : dc::workers())
        sum += dc::remotecall_fetch([] { return dc::myid(); }, id);
    std::cout << "sum of ids " << sum << std::endl;
}
