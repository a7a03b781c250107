print("gipc")
