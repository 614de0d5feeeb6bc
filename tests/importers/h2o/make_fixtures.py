"""Write the H2O fixtures with H2O-3 itself (run by hand; the output is checked in).

Starts a local H2O cluster (Java 17), trains a small GBM classifier on an iris-shaped frame with a validation
frame and 3-fold cross-validation, and writes:

- ``iris_gbm.json``: ``model.save_model_details()``, the same document as REST ``/3/Models/iris_gbm``;
- ``petal_glm.json``: the details of a GLM regression (gaussian) on the same frame;
- ``iris_gbm.zip``: the MOJO (``model.download_mojo()``; needs h2o < 3.46.0.12, whose client refuses MOJO
  export), with ``model.ini``, ``domains/`` and ``experimental/modelDetails.json``.

    /work/venvs/h2o/bin/python make_fixtures.py      # pip install h2o==3.46.0.11
"""

import json
import random
import shutil
from pathlib import Path

import h2o
from h2o.estimators import H2OGradientBoostingEstimator

HERE = Path(__file__).parent / "data"


def main() -> None:
    h2o.init(nthreads=2, max_mem_size="1G", port=54329, bind_to_localhost=True, verbose=False)
    try:
        rnd = random.Random(7)
        centers = {"setosa": (5.0, 3.4, 1.5, 0.2), "versicolor": (5.9, 2.8, 4.3, 1.3),
                   "virginica": (6.6, 3.0, 5.6, 2.0)}
        rows = []
        for species, c in centers.items():
            for _ in range(30):
                rows.append([round(v + rnd.gauss(0, 0.3), 2) for v in c]
                            + [rnd.choice(["north", "south"]), species])
        cols = ["sepal_len", "sepal_wid", "petal_len", "petal_wid", "region", "species"]
        types = ["real", "real", "real", "real", "enum", "enum"]
        frame = h2o.H2OFrame(rows, column_names=cols, column_types=types, destination_frame="iris_train")
        train, valid = frame.split_frame(ratios=[0.75], seed=1, destination_frames=["iris_train_75",
                                                                                    "iris_valid_25"])
        gbm = H2OGradientBoostingEstimator(model_id="iris_gbm", ntrees=10, max_depth=3, learn_rate=0.2, seed=1,
                                           nfolds=3, keep_cross_validation_predictions=False)
        gbm.train(x=cols[:5], y="species", training_frame=train, validation_frame=valid)
        details = Path(gbm.save_model_details(path=str(HERE), force=True))
        details.rename(HERE / "iris_gbm.json")
        mojo = Path(gbm.download_mojo(path=str(HERE)))
        if mojo.name != "iris_gbm.zip":
            shutil.move(mojo, HERE / "iris_gbm.zip")
        # a GLM regression on the same frame: coefficients as importances (one per enum level), regression metrics
        from h2o.estimators import H2OGeneralizedLinearEstimator

        glm = H2OGeneralizedLinearEstimator(model_id="petal_glm", family="gaussian", lambda_=0.0, seed=1)
        glm.train(x=["sepal_len", "sepal_wid", "region"], y="petal_len", training_frame=train,
                  validation_frame=valid)
        Path(glm.save_model_details(path=str(HERE), force=True)).rename(HERE / "petal_glm.json")
        d = json.loads((HERE / "iris_gbm.json").read_text())
        print("wrote", HERE, "with h2o", h2o.__version__, "algo", d["algo"],
              "varimp", list(d["output"]["variable_importances"]["data"][0]))
    finally:
        h2o.cluster().shutdown()


if __name__ == "__main__":
    main()
