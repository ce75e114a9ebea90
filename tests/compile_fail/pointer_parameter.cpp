#include <dc/dc.hpp>
int first(const int* p) {
    return *p;
}
int main() {
    int x = 1;
    return dc::remotecall_fetch(first, 2, &x);
}
