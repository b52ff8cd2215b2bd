//! The smallest useful portable program: prints a fixed greeting (the smoke tests match it)
//! and echoes its arguments, so argument passing through the APE launcher is visible too.

fn main() {
    println!("Hello from an Actually Portable Executable!");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        println!("args: {}", args.join(" "));
    }
}
