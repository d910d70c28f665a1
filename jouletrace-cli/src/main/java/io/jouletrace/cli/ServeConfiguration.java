package io.jouletrace.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jouletrace.server.ApiKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code serve}'s settings from the environment and a configuration file (docs/deploy.md, "Configuration"): every
 * long option {@code --some-name} is also the environment variable {@code JOULETRACE_SOME_NAME} and the key
 * {@code some-name} of the YAML file {@code --config} (or {@code JOULETRACE_CONFIG}) names. A flag wins over the
 * environment, which wins over the file, which wins over the default: picocli asks this provider only for options
 * the command line did not give.
 */
final class ServeConfiguration implements IDefaultValueProvider {

  static final String CONFIG_OPTION = "--config";
  static final String ENV_PREFIX = "JOULETRACE_";
  /** Options that say what to do rather than how to serve: no file key, no variable ({@code --config} is read first). */
  private static final Set<String> NOT_SETTINGS = Set.of(CONFIG_OPTION, "--print-config", "--help", "--version");
  private static final String MASK = "****";

  /** A setting's value in the file and where it stands, for messages. */
  private record Entry(String value, String where) {}

  private final CommandSpec command;
  private final Map<String, String> env;
  /** Where each option's value came from when this provider gave it, by long option name. */
  private final Map<String, String> origins = new HashMap<>();
  private Path loadedFile;
  private Map<String, Entry> file = Map.of();

  ServeConfiguration(CommandSpec command, Map<String, String> env) {
    this.command = command;
    this.env = env;
  }

  /** The environment variable for a long option: {@code --default-intensity} → {@code JOULETRACE_DEFAULT_INTENSITY}. */
  static String variable(String longOption) {
    return ENV_PREFIX + longOption.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  Map<String, String> env() {
    return env;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || NOT_SETTINGS.contains(option.longestName())) return null;
    String name = option.longestName();
    String fromEnv = env.get(variable(name));
    if (fromEnv != null && !fromEnv.isBlank()) {
      check(option, fromEnv.strip(), "environment variable " + variable(name));
      origins.put(name, "env " + variable(name));
      return fromEnv.strip();
    }
    Entry entry = file().get(name);
    if (entry == null) return null;
    origins.put(name, "file " + entry.where());
    return entry.value();
  }

  /** The configuration file: {@code --config} as given on the command line (parsed before defaults apply), else the variable. */
  private Path configFile() {
    Object given = command.findOption(CONFIG_OPTION).getValue();
    if (given != null) return (Path) given;
    String fromEnv = env.get(variable(CONFIG_OPTION));
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv.strip());
  }

  private Map<String, Entry> file() {
    Path path = configFile();
    if (path == null) return Map.of();
    if (!path.equals(loadedFile)) {
      file = read(path);
      loadedFile = path;
    }
    return file;
  }

  /**
   * Reads a flat YAML map of long option names (without dashes) to single values; a key serve does not know, a
   * repeated key, a list or map as a value, or a value the option cannot take is refused with its file:line and key.
   */
  private Map<String, Entry> read(Path path) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (JsonParser parser = YAMLFactory.builder().build().createParser(path.toFile())) {
      JsonToken first = parser.nextToken();
      if (first == null) return entries; // an empty file sets nothing
      if (first != JsonToken.START_OBJECT) throw refused(path + ":" + line(parser) + ": expected `key: value` lines");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        String where = path + ":" + line(parser);
        OptionSpec option = command.findOption("--" + key);
        if (option == null || NOT_SETTINGS.contains(option.longestName()) || !option.longestName().equals("--" + key)) {
          throw refused(where + ": unknown key '" + key + "' (keys are serve's long options without the dashes; docs/deploy.md)");
        }
        if (entries.containsKey(option.longestName())) throw refused(where + ": key '" + key + "' is given twice");
        JsonToken value = parser.nextToken();
        if (!value.isScalarValue() || value == JsonToken.VALUE_NULL) {
          throw refused(where + ": key '" + key + "': expected one value, got " + (value == JsonToken.VALUE_NULL ? "none" : "a list or map"));
        }
        String text = parser.getText().strip();
        check(option, text, where + ": key '" + key + "'");
        entries.put(option.longestName(), new Entry(text, where));
      }
    } catch (IOException e) {
      throw refused(path + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? "line " + j.getLocation().getLineNr() + ": " + j.getOriginalMessage() : "cannot read: " + e.getMessage()));
    }
    return entries;
  }

  private static int line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }

  /** Refuses a value the option cannot take, naming {@code where}: picocli converts it as it would the flag's. */
  private void check(OptionSpec option, String value, String where) {
    CommandLine probe = new CommandLine(new ServeCommand());
    try {
      if (option.arity().max() == 0) { // a switch: --demo takes no value on the command line, true/false here
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
          throw new ParameterException(probe, "expected true or false, got '" + value + "'");
        }
      } else {
        probe.parseArgs(option.longestName() + "=" + value);
      }
    } catch (ParameterException e) {
      throw refused(where + ": " + e.getMessage());
    }
  }

  private ParameterException refused(String message) {
    return new ParameterException(command.commandLine(), message);
  }

  /**
   * Prints every setting of {@code serve} with its value and where it came from (flag, env, file:line or default),
   * secrets masked: the password of a URL, the admin, ledger and upstream keys (present or not, never their value).
   */
  void print(PrintWriter out) {
    String format = "%-22s %-34s %s%n";
    out.printf(format, "KEY", "FROM", "VALUE");
    for (OptionSpec option : command.options()) {
      String name = option.longestName();
      if (NOT_SETTINGS.contains(name) && !name.equals(CONFIG_OPTION)) continue;
      String from = command.commandLine().getParseResult().hasMatchedOption(option) ? "flag"
          : name.equals(CONFIG_OPTION) ? (configFile() == null ? "default" : "env " + variable(CONFIG_OPTION))
          : origins.getOrDefault(name, "default");
      Object value = option.getValue();
      out.printf(format, name.substring(2), from, value == null ? "(none)" : masked(String.valueOf(value)));
    }
    secret(out, format, "admin-key", ApiKeys.ADMIN_KEY_ENV);
    secret(out, format, "ledger-key", LedgerKeyOption.KEY_ENV);
    Object upstreamKeyEnv = command.findOption("--upstream-key-env").getValue();
    if (upstreamKeyEnv != null) secret(out, format, "upstream-key", upstreamKeyEnv.toString());
    out.flush();
  }

  private void secret(PrintWriter out, String format, String name, String variable) {
    String value = env.get(variable);
    out.printf(format, name, "env " + variable, value == null || value.isBlank() ? "(not set)" : MASK);
  }

  /** The value with a URL's password (user:PASSWORD@ or password=…) masked. */
  static String masked(String value) {
    return value.replaceAll("(://[^/@:]*):[^/@]*@", "$1:" + MASK + "@").replaceAll("(?i)([?&]password=)[^&]*", "$1" + MASK);
  }
}
