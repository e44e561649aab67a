package dev.pmfx.ui;

import dev.pmfx.ui.ProcessItems.LogEntry;
import dev.pmfx.ui.ProcessItems.Row;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;

/** The selected row's output, searchable, following the newest line unless told not to. */
final class LogPane {

  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  @FXML private Label logsTitle;
  @FXML private TextField searchField;
  @FXML private Label matchesLabel;
  @FXML private CheckBox followBox;
  @FXML private ListView<LogEntry> logList;

  private final MainWindowViewModel viewModel;
  private final Consumer<String> notices;
  private final ListChangeListener<LogEntry> following = change -> follow();
  private Consumer<Path> folderOpener = path -> {};
  private Optional<Row> shown = Optional.empty();

  /**
   * @param notices where "Log Folder" says where the log files are
   */
  LogPane(MainWindowViewModel viewModel, Consumer<String> notices) {
    this.viewModel = viewModel;
    this.notices = notices;
  }

  @FXML
  private void initialize() {
    searchField
        .textProperty()
        .addListener(
            (o, was, now) -> {
              logList.refresh();
              countMatches();
            });
    logList.setCellFactory(list -> new LogCell());
  }

  /** How "Log Folder" shows a folder: the desktop's file manager, in the app. */
  void folderOpener(Consumer<Path> opener) {
    this.folderOpener = opener;
  }

  /** Shows the row's output, or none. */
  void show(Optional<Row> row) {
    shown = row;
    logList.getItems().removeListener(following);
    ObservableList<LogEntry> logs = row.map(Row::logs).orElse(FXCollections.observableArrayList());
    logList.setItems(logs);
    logs.addListener(following);
    logsTitle.setText(row.map(RowFormat::logsTitle).orElse("Select an app or a worker"));
    follow();
    countMatches();
  }

  @FXML
  private void onClearLogs() {
    shown.ifPresent(row -> row.logs().clear());
  }

  @FXML
  private void onOpenLogFolder() {
    notices.accept("Log files are in " + viewModel.logDirectory());
    folderOpener.accept(viewModel.logDirectory());
  }

  private void follow() {
    if (followBox.isSelected() && !logList.getItems().isEmpty()) {
      logList.scrollTo(logList.getItems().size() - 1);
    }
  }

  private boolean matchesSearch(LogEntry entry) {
    String wanted = searchField.getText();
    return wanted != null
        && !wanted.isBlank()
        && entry.text().toLowerCase(Locale.ROOT).contains(wanted.strip().toLowerCase(Locale.ROOT));
  }

  private void countMatches() {
    String wanted = searchField.getText();
    if (wanted == null || wanted.isBlank()) {
      matchesLabel.setText("");
      return;
    }
    long count = logList.getItems().stream().filter(this::matchesSearch).count();
    matchesLabel.setText(count + (count == 1 ? " match" : " matches"));
  }

  /** One line of output: where from, and the text; stderr in red. */
  private final class LogCell extends ListCell<LogEntry> {
    @Override
    protected void updateItem(LogEntry entry, boolean empty) {
      super.updateItem(entry, empty);
      getStyleClass().removeAll("stderr", "match");
      if (empty || entry == null) {
        setText(null);
        return;
      }
      getStyleClass().remove("earlier");
      if (entry.earlier()) {
        getStyleClass().add("earlier");
      }
      setText(
          (entry.earlier() ? "earlier " : TIME.format(entry.at()))
              + " "
              + entry.source()
              + (entry.error() ? " ! " : " | ")
              + entry.text());
      if (entry.error()) {
        getStyleClass().add("stderr");
      }
      if (matchesSearch(entry)) {
        getStyleClass().add("match");
      }
    }
  }
}
