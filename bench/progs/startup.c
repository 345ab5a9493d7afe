/* bench: exits at once; measures the simulator's start-up time. */
#include "rt.h"

int main(void)
{
    return 0;
}
