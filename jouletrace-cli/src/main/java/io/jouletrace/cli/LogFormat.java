package io.jouletrace.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/** How the CLI writes log lines on stderr: {@code text} (logback.xml) or {@code json} for log collectors (logback-json.xml). */
enum LogFormat {
  TEXT, JSON;

  /** Switches every logger to this format; text is what logging starts with. */
  void apply() {
    if (this == TEXT) return;
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    context.reset();
    try {
      configurator.doConfigure(LogFormat.class.getResource("logback-json.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("logback-json.xml in the jouletrace jar is broken", e);
    }
  }
}
