// Ends every jest run with one plain line, `N passed, N failed, N skipped`, that any CI log
// reader understands without knowing jest's own summary format.
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    process.stdout.write(
      `\n${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`
    );
  }
}
module.exports = PlainSummaryReporter;
