"""Fortran (free form, gfortran).

List-directed output (`print *`) pads numbers with leading blanks; the token-wise checker
tolerates that, but the conventions still ask for explicit formats.
"""

from .base import Language

LANGUAGE = Language(
    name="fortran",
    display="Fortran",
    aliases=("f90", "f95", "f03", "f08", "gfortran"),
    source_file="main.f90",
    compile=("gfortran", "-O2", "-pipe", "-o", "main", "{src}"),
    run=("./main",),
    tools=("gfortran",),
    debian_packages=("gfortran",),
    grammar="fortran",
    fence_tags=("Fortran", "fortran90"),
    oom_markers=("Allocation would exceed memory limit", "Out of memory"),
    conventions=(
        "Fortran 2008, free form, compiled by gfortran 12: `program main ... end program "
        "main`; read with `read(*,*)`, write with explicit formats (e.g. "
        "`write(*,'(I0)') x`) so numbers carry no padding. Use integer(8) for values past "
        "2^31."
    ),
    example=(
        "program main\n  implicit none\n  integer(8) :: a, b\n  read(*,*) a, b\n"
        "  write(*,'(I0)') a + b\nend program main\n"
    ),
)
