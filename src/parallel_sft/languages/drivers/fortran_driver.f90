! ---- the test driver (protocol: parallel_sft/languages/functions.py) ----
! After the candidate's module; fortran.py fills in the `use` of its procedure, renamed
! psft_entry (no name of the candidate's reaches this program, an intrinsic's included),
! and the generated part: the result's writers and psft_call with each test's arguments.
! No candidate code runs before a Fortran main program starts: the token is read first,
! then fd 1 points at stderr (the candidate's print never reaches the reports, which go
! to a copy of the real stdout, written with C's write). Each call runs in a fork()ed
! child (Fortran has no exceptions: an `error stop` or a crash ends the child, and fails
! that test only), which forgets the token, builds the arguments, calls the procedure and
! writes the result, by the signature's types, into a pipe; the parent checks that the
! child exited normally after one well-formed line and reports it.
program psft_driver
  use, intrinsic :: iso_c_binding, only: c_int, c_char, c_size_t, c_long
  use, intrinsic :: iso_fortran_env, only: int64, real64
  use, intrinsic :: ieee_arithmetic, only: ieee_is_nan, ieee_value, ieee_quiet_nan, &
    ieee_positive_inf, ieee_negative_inf
@USE@
  implicit none

  interface
    function c_fork() bind(C, name="fork")
      import :: c_int
      integer(c_int) :: c_fork
    end function c_fork
    function c_pipe(fds) bind(C, name="pipe")
      import :: c_int
      integer(c_int) :: fds(2)
      integer(c_int) :: c_pipe
    end function c_pipe
    function c_read(fd, buf, n) bind(C, name="read")
      import :: c_int, c_char, c_size_t, c_long
      integer(c_int), value :: fd
      character(kind=c_char) :: buf(*)
      integer(c_size_t), value :: n
      integer(c_long) :: c_read
    end function c_read
    function c_write(fd, buf, n) bind(C, name="write")
      import :: c_int, c_char, c_size_t, c_long
      integer(c_int), value :: fd
      character(kind=c_char) :: buf(*)
      integer(c_size_t), value :: n
      integer(c_long) :: c_write
    end function c_write
    function c_close(fd) bind(C, name="close")
      import :: c_int
      integer(c_int), value :: fd
      integer(c_int) :: c_close
    end function c_close
    function c_dup(fd) bind(C, name="dup")
      import :: c_int
      integer(c_int), value :: fd
      integer(c_int) :: c_dup
    end function c_dup
    function c_dup2(fd, to) bind(C, name="dup2")
      import :: c_int
      integer(c_int), value :: fd, to
      integer(c_int) :: c_dup2
    end function c_dup2
    function c_waitpid(pid, status, options) bind(C, name="waitpid")
      import :: c_int
      integer(c_int), value :: pid, options
      integer(c_int) :: status
      integer(c_int) :: c_waitpid
    end function c_waitpid
    function c_creat(path, mode) bind(C, name="creat")
      import :: c_int, c_char
      character(kind=c_char) :: path(*)
      integer(c_int), value :: mode
      integer(c_int) :: c_creat
    end function c_creat
    subroutine c_exit(code) bind(C, name="_exit")
      import :: c_int
      integer(c_int), value :: code
    end subroutine c_exit
  end interface

  character(len=:), allocatable :: psft_token, psft_out, psft_failure
  ! Where a child's prints and its runtime's last words (ERROR STOP ...) go: the parent
  ! passes them on to stderr, and names the last words in the test's error.
  character(len=*), parameter :: psft_log = '/tmp/psft_call_output'
  integer :: psft_len = 0
  integer, parameter :: psft_calls = @COUNT@
  integer(c_int) :: psft_reports = 1

  call psft_main()

contains

  subroutine psft_main()
    character(len=256) :: line
    character(len=:), allocatable :: got, why, note
    integer :: ios, index, got_len, newlines, i
    integer(c_int) :: fds(2), pid, status, r
    logical :: exited
    read (*, '(A)', iostat=ios) line
    if (ios /= 0) line = ''
    psft_token = trim(adjustl(line))
    if (len(psft_token) > 0) then
      if (psft_token(len(psft_token):) == achar(13)) psft_token = psft_token(:len(psft_token) - 1)
    end if
    psft_reports = c_dup(1_c_int)
    r = c_dup2(2_c_int, 1_c_int)
    do index = 0, psft_calls - 1
      if (c_pipe(fds) /= 0) call c_exit(2_c_int)
      pid = c_fork()
      if (pid == 0) then
        r = c_close(fds(1))
        call psft_child(index, fds(2))
      end if
      r = c_close(fds(2))
      if (pid < 0) call c_exit(2_c_int)
      got_len = 0
      call psft_drain(fds(1), got, got_len)
      r = c_close(fds(1))
      status = 0
      do
        if (c_waitpid(pid, status, 0_c_int) /= -1) exit
      end do
      note = psft_relay()
      newlines = 0
      do i = 1, got_len
        if (got(i:i) == achar(10)) newlines = newlines + 1
      end do
      exited = iand(status, 127) == 0 .and. iand(ishft(status, -8), 255) == 0
      if (exited .and. newlines == 1 .and. got_len > 3) then
        if (got(got_len:got_len) == achar(10) .and. &
            (got(1:3) == 'ok ' .or. (got_len > 7 .and. got(1:7) == 'error "'))) then
          call psft_report(index, got(1:got_len))
          cycle
        end if
      end if
      if (iand(status, 127) /= 0) then
        why = 'killed by signal ' // psft_decimal(int(iand(status, 127), int64)) // &
          psft_signal(iand(status, 127))
      else if (iand(ishft(status, -8), 255) /= 0) then
        why = 'the call ended the process with exit code ' // &
          psft_decimal(int(iand(ishft(status, -8), 255), int64))
      else if (got_len == 0) then
        why = 'the call ended the process (exit code 0) before returning'
      else
        why = "the call wrote to the driver's pipe"
      end if
      if (len(note) > 0) why = why // ': ' // note
      psft_len = 0
      call psft_add('error ')
      call psft_put_str(why)
      call psft_add(achar(10))
      call psft_report(index, psft_out(1:psft_len))
    end do
    call psft_report(-1, 'done' // achar(10))
    call c_exit(0_c_int)
  end subroutine psft_main

  ! The child: one call, its result as one line into the pipe `fd`; never returns.
  subroutine psft_child(index, fd)
    integer, intent(in) :: index
    integer(c_int), intent(in) :: fd
    character(len=:), allocatable :: message
    integer :: at
    integer(c_long) :: n
    integer(c_int) :: log, r
    psft_token = repeat(' ', len(psft_token))
    log = c_creat(psft_log // char(0), int(o'600', c_int))
    if (log >= 0) then
      r = c_dup2(log, 1_c_int)
      r = c_dup2(log, 2_c_int)
      r = c_close(log)
    end if
    psft_len = 0
    call psft_add('ok ')
    call psft_call(index)
    if (allocated(psft_failure)) then
      message = psft_failure
      psft_len = 0
      call psft_add('error ')
      call psft_put_str(message)
    end if
    call psft_add(achar(10))
    at = 0
    do while (at < psft_len)
      n = c_write(fd, psft_out(at + 1:psft_len), int(psft_len - at, c_size_t))
      if (n <= 0) call c_exit(2_c_int)
      at = at + int(n)
    end do
    call c_exit(0_c_int)
  end subroutine psft_child

  ! Everything the child writes, until it closes the pipe.
  subroutine psft_drain(fd, got, got_len)
    integer(c_int), intent(in) :: fd
    character(len=:), allocatable, intent(inout) :: got
    integer, intent(inout) :: got_len
    character(len=65536) :: chunk
    integer(c_long) :: n
    do
      n = c_read(fd, chunk, int(len(chunk), c_size_t))
      if (n <= 0) exit
      call psft_append(got, got_len, chunk(1:int(n)))
    end do
  end subroutine psft_drain

  ! The last child's output, passed on to stderr, and its runtime's last words (an
  ! ERROR STOP line, a runtime error, a signal), or '' where it said none.
  function psft_relay() result(note)
    character(len=:), allocatable :: note, text
    integer :: unit, ios, bytes, at, ends
    integer(c_long) :: n
    note = ''
    open (newunit=unit, file=psft_log, access='stream', form='unformatted', &
          action='read', status='old', iostat=ios)
    if (ios /= 0) return
    inquire (unit=unit, size=bytes)
    allocate (character(len=max(bytes, 0)) :: text)
    if (bytes > 0) read (unit, iostat=ios) text
    close (unit, status='delete')
    if (bytes <= 0 .or. ios /= 0) return
    n = c_write(2_c_int, text, int(bytes, c_size_t))
    do at = 1, bytes
      if (at > 1) then
        if (text(at - 1:at - 1) /= achar(10)) cycle
      end if
      if (index(text(at:), 'ERROR STOP') == 1 .or. index(text(at:), 'STOP') == 1 .or. &
          index(text(at:), 'Fortran runtime error') == 1 .or. &
          index(text(at:), 'Program received signal') == 1) then
        ends = index(text(at:), achar(10))
        if (ends == 0) ends = bytes - at + 2
        note = text(at:min(at + ends - 2, at + 199))
        return
      end if
    end do
  end function psft_relay

  ! A report: a newline first (a print without one cannot swallow it), the token, the line.
  subroutine psft_report(index, rest)
    integer, intent(in) :: index
    character(len=*), intent(in) :: rest
    character(len=:), allocatable :: line
    integer :: at
    integer(c_long) :: n
    line = achar(10) // psft_token // ' '
    if (index >= 0) line = line // psft_decimal(int(index, int64)) // ' '
    line = line // rest
    at = 0
    do while (at < len(line))
      n = c_write(psft_reports, line(at + 1:), int(len(line) - at, c_size_t))
      if (n <= 0) call c_exit(2_c_int)
      at = at + int(n)
    end do
  end subroutine psft_report

  function psft_signal(sig) result(name)
    integer(c_int), intent(in) :: sig
    character(len=:), allocatable :: name
    select case (sig)
    case (4); name = ' (SIGILL)'
    case (6); name = ' (SIGABRT)'
    case (7); name = ' (SIGBUS)'
    case (8); name = ' (SIGFPE)'
    case (9); name = ' (SIGKILL)'
    case (11); name = ' (SIGSEGV)'
    case (24); name = ' (SIGXCPU)'
    case default; name = ''
    end select
  end function psft_signal

  ! `s` after buf(1:n), the buffer doubled as it fills (linear time, however long).
  subroutine psft_append(buf, n, s)
    character(len=:), allocatable, intent(inout) :: buf
    integer, intent(inout) :: n
    character(len=*), intent(in) :: s
    character(len=:), allocatable :: grown
    integer :: cap
    if (.not. allocated(buf)) allocate (character(len=65536) :: buf)
    if (n + len(s) > len(buf)) then
      cap = len(buf)
      do while (cap < n + len(s))
        cap = cap * 2
      end do
      allocate (character(len=cap) :: grown)
      grown(1:n) = buf(1:n)
      call move_alloc(grown, buf)
    end if
    buf(n + 1:n + len(s)) = s
    n = n + len(s)
  end subroutine psft_append

  subroutine psft_add(s)
    character(len=*), intent(in) :: s
    call psft_append(psft_out, psft_len, s)
  end subroutine psft_add

  ! The first reason the result cannot be written: the call's `error`.
  subroutine psft_fail(why)
    character(len=*), intent(in) :: why
    if (.not. allocated(psft_failure)) psft_failure = why
  end subroutine psft_fail

  function psft_decimal(v) result(text)
    integer(int64), intent(in) :: v
    character(len=:), allocatable :: text
    character(len=24) :: d
    write (d, '(I0)') v
    text = trim(d)
  end function psft_decimal

  subroutine psft_put_int(v)
    integer(int64), intent(in) :: v
    call psft_add(psft_decimal(v))
  end subroutine psft_put_int

  ! The shortest digits that read back as the same real(real64) (at most 17), as JSON.
  subroutine psft_put_float(v)
    real(real64), intent(in) :: v
    character(len=40) :: text, fmt
    character(len=:), allocatable :: mantissa
    real(real64) :: back
    integer :: digits, e, exponent
    if (ieee_is_nan(v)) then
      call psft_add('NaN')
      return
    end if
    if (abs(v) > huge(v)) then
      if (v > 0) call psft_add('Infinity')
      if (v < 0) call psft_add('-Infinity')
      return
    end if
    do digits = 1, 17
      write (fmt, '("(ES40.", I0, "E4)")') digits - 1
      write (text, fmt) v
      read (text, *) back
      if (back == v) exit
    end do
    text = adjustl(text)
    e = index(text, 'E')
    mantissa = text(1:e - 1)
    if (mantissa(len(mantissa):) == '.') mantissa = mantissa // '0'
    read (text(e + 1:), *) exponent
    call psft_add(mantissa)
    if (exponent /= 0) call psft_add('e' // psft_decimal(int(exponent, int64)))
  end subroutine psft_put_float

  subroutine psft_put_bool(v)
    logical, intent(in) :: v
    if (v) then
      call psft_add('true')
    else
      call psft_add('false')
    end if
  end subroutine psft_put_bool

  ! The length of the UTF-8 sequence at s(i:), or 0 where it is not one.
  integer function psft_utf8(s, i) result(size)
    character(len=*), intent(in) :: s
    integer, intent(in) :: i
    integer :: c, lo, hi, k
    c = ichar(s(i:i))
    lo = 128
    hi = 191
    size = 2
    if (c >= 224) size = 3
    if (c >= 240) size = 4
    if (c < 194 .or. c > 244 .or. i + size - 1 > len(s)) then
      size = 0
      return
    end if
    if (c == 224) lo = 160
    if (c == 237) hi = 159
    if (c == 240) lo = 144
    if (c == 244) hi = 143
    do k = 1, size - 1
      c = ichar(s(i + k:i + k))
      if (c < lo .or. c > hi) then
        size = 0
        return
      end if
      lo = 128
      hi = 191
    end do
  end function psft_utf8

  subroutine psft_put_str(v)
    character(len=*), intent(in) :: v
    character(len=*), parameter :: hex = '0123456789abcdef'
    integer :: i, c, size
    call psft_add('"')
    i = 1
    do while (i <= len(v))
      c = ichar(v(i:i))
      size = 1
      if (c == 34 .or. c == 92) then
        call psft_add('\' // v(i:i))
      else if (c < 32) then
        call psft_add('\u00' // hex(c / 16 + 1:c / 16 + 1) // hex(mod(c, 16) + 1:mod(c, 16) + 1))
      else if (c < 128) then
        call psft_add(v(i:i))
      else
        size = psft_utf8(v, i)
        if (size == 0) then
          call psft_fail('returned a str that is not UTF-8')
          return
        end if
        call psft_add(v(i:i + size - 1))
      end if
      i = i + size
    end do
    call psft_add('"')
  end subroutine psft_put_str

@GENERATED@
end program psft_driver
