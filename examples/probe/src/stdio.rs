//! stdio: a child reads its stdin (a pipe) to the end and writes what it read to both stdout and
//! stderr; the parent gets both back intact. (This process's own stdout is checked by every
//! line it prints.)

use std::io::{self, IsTerminal, Read, Write};
use std::process::Stdio;

use crate::check::{failed, Outcome};
use crate::child::{describe_status, role_command};

const INPUT: &str = "one line through stdin, ünïcödé ✓\nand a second\n";

pub fn run() -> Outcome {
    let mut child = role_command("stdio")?
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(failed("spawn the stdio child"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin pipe")?;
    // small enough for a pipe buffer: written whole before the child's output is read
    stdin
        .write_all(INPUT.as_bytes())
        .map_err(failed("write the child's stdin"))?;
    drop(stdin);
    let output = child
        .wait_with_output()
        .map_err(failed("wait for the stdio child"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success(),
        "stdio child: {}, stderr {stderr:?}",
        describe_status(output.status)
    );
    ensure!(
        stdout == format!("stdout:{INPUT}"),
        "child's stdout was {stdout:?}"
    );
    ensure!(
        stderr == format!("stderr:{INPUT}"),
        "child's stderr was {stderr:?}"
    );
    Ok(format!(
        "child read {} B from a stdin pipe, wrote them to stdout and stderr",
        INPUT.len()
    ))
}

/// The child's side; exit 0 on success, 3 when stdin is a terminal, 4 on an io error.
pub fn child() -> i32 {
    if io::stdin().is_terminal() {
        eprintln!("probe: the stdio child expects stdin to be a pipe");
        return 3;
    }
    let mut input = String::new();
    let copied = io::stdin()
        .lock()
        .read_to_string(&mut input)
        .and_then(|_| write_flushed(&mut io::stdout().lock(), "stdout:", &input))
        .and_then(|()| write_flushed(&mut io::stderr().lock(), "stderr:", &input));
    if copied.is_ok() {
        0
    } else {
        4
    }
}

fn write_flushed(out: &mut impl Write, prefix: &str, text: &str) -> io::Result<()> {
    out.write_all(prefix.as_bytes())?;
    out.write_all(text.as_bytes())?;
    out.flush()
}
