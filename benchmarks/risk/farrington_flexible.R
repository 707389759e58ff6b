# Reference run of surveillance::farringtonFlexible for bench_warning.py.
# Usage: Rscript farrington_flexible.R input.csv output.csv b w alpha pTrend method n_eval
# input.csv: columns series,date,count (weekly, dates as YYYY-MM-DD).
# output.csv: series,date,observed,expected,upper,alarm for the last n_eval weeks.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
ctl <- list(b = as.integer(args[3]), w = as.integer(args[4]), alpha = as.numeric(args[5]),
            pThresholdTrend = as.numeric(args[6]), thresholdMethod = args[7],
            noPeriods = 10, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
            reweight = TRUE, trend = TRUE, populationOffset = FALSE,
            limit54 = c(5, 4), glmWarnings = FALSE)
n_eval <- as.integer(args[8])
out <- list()
for (s in unique(d$series)) {
  x <- d[d$series == s, ]
  dates <- as.Date(x$date)
  n <- nrow(x)
  st <- sts(observed = x$count, epoch = as.numeric(dates), epochAsDate = TRUE, frequency = 52)
  ctl$range <- (n - n_eval + 1):n
  r <- farringtonFlexible(st, control = ctl)
  out[[length(out) + 1]] <- data.frame(series = s, date = format(dates[ctl$range]),
    observed = as.vector(observed(r)), expected = as.vector(r@control$expected),
    upper = as.vector(upperbound(r)), alarm = as.vector(alarms(r)))
}
write.csv(do.call(rbind, out), args[2], row.names = FALSE)
