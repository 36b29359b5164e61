"""Comments on a 征求意见稿 (issue 13): submitted by member firms, disposed of by the drafting group."""
