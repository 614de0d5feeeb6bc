// One JVM for many Jena jobs (JVM start-up is most of the cost of one `sparql`/`shacl`/`riot` command).
// Reads jobs from stdin, one per line, tab-separated; prints "OK" or "ERR <message>" per job on stdout:
//   sparql  DATA  QUERY.rq   OUT.srj   SPARQL 1.1 strict syntax, the dataset DATA (nq/trig/nt/ttl); JSON results
//   shacl   DATA  SHAPES     OUT.nt    Jena SHACL validation report as N-Triples
//   riot    FILE  LANG|auto  OUT.nq    strict parse (checking on, warnings are errors) and write N-Quads unchanged
// Works with Jena 4.5 (Debian libapache-jena-java) and 5.x (Maven).
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;

import org.apache.jena.graph.Graph;
import org.apache.jena.query.*;
import org.apache.jena.riot.*;
import org.apache.jena.riot.system.*;
import org.apache.jena.shacl.*;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;

public class Harness {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            try {
                switch (f[0]) {
                    case "sparql": sparql(f[1], f[2], f[3]); break;
                    case "shacl": shacl(f[1], f[2], f[3]); break;
                    case "riot": riot(f[1], f[2], f[3]); break;
                    default: throw new IllegalArgumentException("unknown job " + f[0]);
                }
                out.println("OK");
            } catch (Throwable e) {
                String msg = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
                out.println("ERR " + e.getClass().getSimpleName() + ": " + msg);
            }
        }
    }

    static void sparql(String data, String queryFile, String outFile) throws IOException {
        Dataset ds = DatasetFactory.create();
        RDFDataMgr.read(ds, data);
        String text = Files.readString(Path.of(queryFile), StandardCharsets.UTF_8);
        Query q = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
        try (QueryExecution qe = QueryExecutionFactory.create(q, ds);
             OutputStream os = new FileOutputStream(outFile)) {
            ResultSetFormatter.outputAsJSON(os, qe.execSelect());
        }
    }

    static void shacl(String data, String shapesFile, String outFile) throws IOException {
        Graph dataG = RDFDataMgr.loadGraph(data);
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(shapesFile));
        ValidationReport report = ShaclValidator.get().validate(shapes, dataG);
        try (OutputStream os = new FileOutputStream(outFile)) {
            RDFDataMgr.write(os, report.getModel(), Lang.NTRIPLES);
        }
    }

    static void riot(String file, String lang, String outFile) throws IOException {
        DatasetGraph dsg = DatasetGraphFactory.createTxnMem();
        RDFParserBuilder b = RDFParser.source(file).strict(true).checking(true)
                .errorHandler(ErrorHandlerFactory.errorHandlerStrict);
        if (!"auto".equals(lang)) b = b.lang(RDFLanguages.nameToLang(lang));
        b.parse(dsg);
        try (OutputStream os = new FileOutputStream(outFile)) {
            RDFDataMgr.write(os, dsg, Lang.NQUADS);
        }
    }
}
