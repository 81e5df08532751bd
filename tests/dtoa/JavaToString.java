// JavaToString.java - tests/dtoa/java_check.sh's reference: reads lines "HEXBITS ...", writes
// each line back with Double.toString of the double those bits make appended.
import java.io.*;

public class JavaToString {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        String line;
        while ((line = in.readLine()) != null) {
            long bits = Long.parseUnsignedLong(line.split(" ")[0], 16);
            out.println(line + " " + Double.toString(Double.longBitsToDouble(bits)));
        }
        out.flush();
    }
}
