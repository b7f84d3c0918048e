"""Where and how a model runs: devices (`distribute`) and the compile settings (`compile`).

Below the models on purpose: every builder compiles inside its strategy's scope with the
zoo's compile defaults.
"""
