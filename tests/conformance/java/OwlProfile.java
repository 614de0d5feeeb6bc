import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;

/**
 * OWL API's OWL 2 DL profile check of each ontology file (tests/conformance/test_owl_profile.py): prints
 * "VIOLATION file text" per violation, "CHECKED file axioms=n dl=true|false" per file, then "DONE n". Imports must be
 * removed from the files first: nothing is fetched.
 */
public class OwlProfile {
    public static void main(String[] args) throws Exception {
        int total = 0;
        for (String path : args) {
            OWLOntologyManager m = OWLManager.createOWLOntologyManager();
            OWLOntology o = m.loadOntologyFromOntologyDocument(new File(path));
            OWLProfileReport r = new OWL2DLProfile().checkOntology(o);
            for (OWLProfileViolation v : r.getViolations()) {
                System.out.println("VIOLATION " + path + " " + v.toString().replace('\n', ' '));
                total++;
            }
            System.out.println("CHECKED " + path + " axioms=" + o.getAxiomCount() + " dl=" + r.isInProfile());
        }
        System.out.println("DONE " + total);
    }
}
