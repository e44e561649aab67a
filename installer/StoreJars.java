// Rewrites every jar in the folders given with its entries stored, not deflated: the .deb, .msi
// and .dmg compress the whole app far better than they compress jars that are compressed
// already (the .deb: 21 MB of jars → 10.6 MB stored and xz'd, against 21 MB as they come).
// Run by the installer profile: java installer/StoreJars.java DIR...

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

public class StoreJars {
  public static void main(String[] folders) throws IOException {
    for (String folder : folders) {
      List<Path> jars;
      try (var files = Files.list(Path.of(folder))) {
        jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
      }
      for (Path jar : jars) {
        store(jar);
      }
    }
  }

  static void store(Path jar) throws IOException {
    Path stored = jar.resolveSibling(jar.getFileName() + ".stored");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(stored))) {
      out.setMethod(ZipOutputStream.STORED);
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        byte[] content = in.readAllBytes();
        CRC32 crc = new CRC32();
        crc.update(content);
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setMethod(ZipEntry.STORED);
        copy.setSize(content.length);
        copy.setCompressedSize(content.length);
        copy.setCrc(crc.getValue());
        if (entry.getLastModifiedTime() != null) {
          copy.setLastModifiedTime(entry.getLastModifiedTime());
        }
        out.putNextEntry(copy);
        out.write(content);
        out.closeEntry();
      }
    }
    Files.move(stored, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
