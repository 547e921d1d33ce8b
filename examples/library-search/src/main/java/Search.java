import java.nio.file.Path;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.pipeline.SearchData;
import org.bitbudget.pipeline.SearchPipeline;

public class Search {
    public static void main(String[] args) {
        var model = OnnxImporter.load(Path.of(args.length > 0 ? args[0] : "../../models/lenet5-fashion-mnist.onnx"));
        var data = new SearchData(DataSources.open("fashion-mnist", Split.TRAIN),
                DataSources.open("fashion-mnist", Split.TEST), new Normalization(0.2860f, 0.3530f));
        var result = SearchPipeline.builder(model, data).budget("size <= 0.4*int8").evaluationLimit(2000).build().run();
        System.out.println(result.config().layers() + "\naccuracy " + result.accuracy() + ", size " + result.cost("size") + " bits");
    }
}
