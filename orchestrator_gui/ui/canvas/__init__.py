"""The canvas: a NodeGraphQt graph showing the experiment as a chain of typed nodes.

``convert`` is the one place where documents become graphs and back; ``chain``
and ``layout`` are plain Python so they can be tested and reused without a scene.
"""
