import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;

/**
 * The yardstick for the installed window's start (issue 20): a bare JavaFX window with one empty
 * TableView, the size of pmfx's, titled "bare window". installer/verify-deb.sh compiles it once
 * and runs it on the installed runtime, without class data of its own, in turn with pmfx.
 */
public final class BareWindow extends Application {

  @Override
  public void start(Stage stage) {
    TableView<String> table = new TableView<>();
    table.getColumns().add(new TableColumn<>("name"));
    stage.setScene(new Scene(table, 1100, 700));
    stage.setTitle("bare window");
    stage.show();
  }

  public static void main(String[] args) {
    launch(args);
  }
}
