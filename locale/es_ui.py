"""Spanish interface strings, applied to locale/es/LC_MESSAGES/django.po by locale/fill.py.

Kept as a table so a translator can review it in one place; fill.py leaves every string that
already has a translation in the .po untouched.
"""

ES = {
    "Atlas": "Atlas",
    "Search": "Buscar",
    "Type at least two letters.": "Escriba al menos dos letras.",
    "Keep the search under 200 characters.": "La búsqueda debe tener menos de 200 caracteres.",
    "Region": "Región",
    "Modality": "Modalidad",
    "Pattern": "Patrón",
    "Topic": "Tema",
    "kind": "tipo",
    "tag": "etiqueta",
    "tags": "etiquetas",
    "English": "Inglés",
    "Spanish": "Español",
    "images": "imágenes",
    "Patient": "Paciente",
    "Diagnosis": "Diagnóstico",
    "Teaching": "Docencia",
    "studies": "estudios",
    "Publish the selected cases": "Publicar los casos seleccionados",
    "Return the selected cases to draft": "Devolver a borrador los casos seleccionados",
    "Cases returned to draft.": "Casos devueltos a borrador.",
    "Cases": "Casos",
    "Mechanism": "Mecanismo",
    "Tag": "Etiqueta",
    "Sex": "Sexo",
    "Age from": "Edad desde",
    "Age to": "Edad hasta",
    "Page": "Página",
    "The lower age must not be above the upper age.": "La edad mínima no puede superar la máxima.",
    "Woman": "Mujer",
    "Man": "Varón",
    "Draft": "Borrador",
    "Published": "Publicado",
    "Histology or laboratory proof": "Confirmación histológica o analítica",
    "Confirmed by a further imaging test": "Confirmado con otra prueba de imagen",
    "Clinical and imaging diagnosis": "Diagnóstico clínico-radiológico",
    "Confirmed on follow-up": "Confirmado en el seguimiento",
    "age": "edad",
    "Age in years at presentation.": "Edad en años al presentarse.",
    "sex": "sexo",
    "presentation": "presentación",
    "clinical history": "historia clínica",
    "final diagnosis": "diagnóstico final",
    "diagnostic certainty": "certeza diagnóstica",
    "confirmed by": "confirmado por",
    "differential diagnosis": "diagnóstico diferencial",
    "discussion": "discusión",
    "teaching points": "puntos clave",
    "One teaching point per line.": "Un punto clave por línea.",
    "attribution": "atribución",
    "status": "estado",
    "published at": "publicado el",
    "case": "caso",
    "cases": "casos",
    "Radiograph": "Radiografía",
    "Ultrasound": "Ecografía",
    "CT": "TC",
    "MRI": "RM",
    "Angiography / phlebography": "Angiografía / flebografía",
    "Nuclear medicine": "Medicina nuclear",
    "Other": "Otra",
    "order": "orden",
    "modality": "modalidad",
    "description": "descripción",
    "time point": "momento",
    "findings": "hallazgos",
    "study": "estudio",
    "panel letter": "letra del panel",
    "plane or sequence": "plano o secuencia",
    "caption": "pie de figura",
    "alternative text": "texto alternativo",
    "synthetic illustration": "ilustración sintética",
    "A drawn illustration, not patient data.": "Una ilustración dibujada, no datos de pacientes.",
    "image": "imagen",
    "There is no %(filter)s called “%(value)s”.": "No existe ningún %(filter)s «%(value)s».",
    "No published case has this address.": "Ningún caso publicado tiene esta dirección.",
    "Glossary and diagnosis": "Glosario y diagnóstico",
    "name": "nombre",
    "table heading": "encabezado de tabla",
    "mechanism": "mecanismo",
    "mechanisms": "mecanismos",
    "synonyms": "sinónimos",
    "One synonym or abbreviation per line.": "Un sinónimo o abreviatura por línea.",
    "parent": "entidad superior",
    "printed label": "etiqueta impresa",
    "label note": "nota sobre la etiqueta",
    "definition": "definición",
    "key imaging features": "hallazgos de imagen clave",
    "typical sites": "localizaciones típicas",
    "laboratory profile": "perfil analítico",
    "clinical note": "nota clínica",
    "related entities": "entidades relacionadas",
    "classification table column": "columna de la tabla de clasificación",
    "classification table row": "fila de la tabla de clasificación",
    "flowchart branch": "rama del algoritmo",
    "entity": "entidad",
    "entities": "entidades",
    "The glossary has no entry with this address.": "El glosario no tiene ninguna entrada con esta dirección.",
    "Bad request": "Petición incorrecta",
    "The request could not be understood": "No se ha podido entender la petición",
    "Back to the atlas": "Volver al atlas",
    "Not found": "No encontrado",
    "Page not found": "Página no encontrada",
    "There is nothing at this address.": "No hay nada en esta dirección.",
    "Browse the cases": "Ver los casos",
    "Open the glossary": "Abrir el glosario",
    "Soft-tissue calcifications: a teaching atlas": "Calcificaciones de partes blandas: un atlas docente",
    "Illustrative cases and a glossary built on a teaching poster's classification of soft-tissue calcification. No single imaging sign is pathognomonic: the diagnosis comes from the pattern and site of the calcification, the history and the laboratory data together.": "Casos ilustrativos y un glosario construidos sobre la clasificación de las calcificaciones de partes blandas de un póster docente. Ningún signo de imagen es patognomónico: el diagnóstico surge de unir el patrón y la localización de la calcificación, los antecedentes y los datos analíticos.",
    "Ways in": "Por dónde empezar",
    "Glossary": "Glosario",
    "Classification": "Clasificación",
    "The poster's table of causes and its diagnostic algorithm.": "La tabla de causas del póster y su algoritmo diagnóstico.",
    "Four mechanisms": "Cuatro mecanismos",
    "Words to find in cases and glossary (accents optional)": "Palabras que buscar en casos y glosario (las tildes son opcionales)",
    "Soft-tissue calcification atlas": "Atlas de calcificaciones de partes blandas",
    "Skip to content": "Saltar al contenido",
    "Calcification atlas": "Atlas de calcificaciones",
    "Main": "Principal",
    "Search the atlas": "Buscar en el atlas",
    "Search…": "Buscar…",
    "Language": "Idioma",
    "A teaching atlas for radiology residents. Demo images are synthetic illustrations, not patient data.": "Un atlas docente para residentes de radiología. Las imágenes de demostración son ilustraciones sintéticas, no datos de pacientes.",
    "Any": "Cualquiera",
    "Draft: only staff can see this case.": "Borrador: solo el personal editor puede ver este caso.",
    "Unknown case": "Caso problema",
    "History": "Historia clínica",
    "Image not yet available": "Imagen aún no disponible",
    "Findings": "Hallazgos",
    "Discussion": "Discusión",
    "Teaching points": "Puntos clave",
    "Differential diagnosis": "Diagnóstico diferencial",
    "Tags": "Etiquetas",
    "Related cases": "Casos relacionados",
    "Reveal the diagnosis": "Mostrar el diagnóstico",
    "Some filters could not be used:": "Algunos filtros no se han podido aplicar:",
    "Show all cases": "Ver todos los casos",
    "Filter cases": "Filtrar casos",
    "Pattern and topic": "Patrón y tema",
    "Age": "Edad",
    "from": "desde",
    "to": "hasta",
    "Apply filters": "Aplicar filtros",
    "Clear": "Quitar filtros",
    "Active filters": "Filtros activos",
    "remove": "quitar",
    "No case matches these filters.": "Ningún caso cumple estos filtros.",
    "Pages": "Páginas",
    "Previous": "Anterior",
    "Page %(n)s of %(total)s": "Página %(n)s de %(total)s",
    "Next": "Siguiente",
    "Classification of soft-tissue calcification": "Clasificación de las calcificaciones de partes blandas",
    "The poster's table, column by column. Each cell opens its glossary entry.": "La tabla del póster, columna a columna. Cada celda abre su entrada del glosario.",
    "Where the diagnostic flowchart places each entity": "Dónde sitúa el algoritmo diagnóstico cada entidad",
    "Also:": "También:",
    "Printed in the poster as": "Impreso en el póster como",
    "Key imaging features": "Hallazgos de imagen clave",
    "Typical sites": "Localizaciones típicas",
    "Laboratory": "Analítica",
    "Clinical note": "Nota clínica",
    "Place in the classification": "Lugar en la clasificación",
    "Mechanism:": "Mecanismo:",
    "In the table, column “%(column)s”": "En la tabla, columna «%(column)s»",
    "In the flowchart:": "En el algoritmo:",
    "Includes:": "Incluye:",
    "Related entities": "Entidades relacionadas",
    "No case of this entity in the atlas yet.": "Aún no hay casos de esta entidad en el atlas.",
    "In the differential of": "En el diagnóstico diferencial de",
    "See the classification table.": "Ver la tabla de clasificación.",
    "Jump to": "Ir a",
    "A–Z": "A–Z",
    "Add images": "Añadir imágenes",
    "DICOM files (one file, several slices of a series, or a multi-frame file), a ZIP of a PACS "
    "export, or PNG/JPEG pictures. Everything is de-identified before it is stored; pictures "
    "and images that may show burned-in text are held for review.": (
        "Archivos DICOM (un archivo, varios cortes de una serie o un archivo multifotograma), un "
        "ZIP exportado del PACS o imágenes PNG/JPEG. Todo se anonimiza antes de guardarse; las "
        "imágenes que pueden llevar texto incrustado quedan retenidas para su revisión."
    ),
    "preview": "vista previa",
    "de-identified DICOM": "DICOM anonimizado",
    "%s: imported": "%s: importado",
    "%(path)s: rejected, %(reason)s": "%(path)s: rechazado, %(reason)s",
    "upload too large: %(size)d MB (limit %(limit)d MB)": (
        "envío demasiado grande: %(size)d MB (límite %(limit)d MB)"
    ),
    "too many files in one upload (limit %(limit)d)": (
        "demasiados archivos en un solo envío (límite %(limit)d)"
    ),
    "upload too large: the form fields are too big": (
        "envío demasiado grande: los campos del formulario son demasiado largos"
    ),
    "the upload was damaged in transit; try again": "el envío llegó dañado; inténtelo de nuevo",
    "Upload refused": "Envío rechazado",
    "Nothing was stored. Split the files into smaller uploads, or use the import_images command "
    "on the server.": (
        "No se ha guardado nada. Divida los archivos en envíos más pequeños o use la orden "
        "import_images en el servidor."
    ),
    "Back to the form": "Volver al formulario",
    # The image viewer, figures and the authors' image tools.
    "No published image has this address.": "Ninguna imagen publicada tiene esta dirección.",
    "The frame must be a whole number from 1 to %(last)d.": (
        "El fotograma debe ser un número entero del 1 al %(last)d."
    ),
    "This image has no window called “%(preset)s”. It offers: %(names)s.": (
        "Esta imagen no tiene ninguna ventana llamada «%(preset)s». Ofrece: %(names)s."
    ),
    "Annotations can be shown (ann=1) or hidden (ann=0).": (
        "Las anotaciones se pueden mostrar (ann=1) u ocultar (ann=0)."
    ),
    "Default": "Predeterminada",
    "Soft tissue": "Partes blandas",
    "Bone": "Hueso",
    "Lung": "Pulmón",
    "Brain": "Cerebro",
    "frame %(frame)s / %(total)s": "fotograma %(frame)s / %(total)s",
    "Frames": "Fotogramas",
    "Frame": "Fotograma",
    "First frame": "Primer fotograma",
    "Last frame": "Último fotograma",
    "Previous frame": "Fotograma anterior",
    "Next frame": "Fotograma siguiente",
    "First frame (Home)": "Primer fotograma (Inicio)",
    "Last frame (End)": "Último fotograma (Fin)",
    "Previous frame (↑)": "Fotograma anterior (↑)",
    "Next frame (↓)": "Fotograma siguiente (↓)",
    "Go to frame": "Ir al fotograma",
    "Go": "Ir",
    "Window": "Ventana",
    "Show annotations": "Mostrar anotaciones",
    "Hide annotations": "Ocultar anotaciones",
    "Zoom in": "Acercar",
    "Zoom out": "Alejar",
    "Zoom in (+)": "Acercar (+)",
    "Zoom out (−)": "Alejar (−)",
    "Fit to screen (0)": "Ajustar a la pantalla (0)",
    "Fit": "Ajustar",
    "Full screen": "Pantalla completa",
    "Full-size image": "Imagen a tamaño completo",
    "Other images of this case": "Otras imágenes de este caso",
    "Keyboard and mouse": "Teclado y ratón",
    "wheel": "rueda",
    "Scroll through the frames": "Recorrer los fotogramas",
    "First and last frame": "Primer y último fotograma",
    "Window presets; D is the window stored with the image": (
        "Ventanas predefinidas; D es la ventana guardada con la imagen"
    ),
    "Show or hide the annotations": "Mostrar u ocultar las anotaciones",
    "Zoom in, out, and fit; drag to pan, pinch on a touch screen": (
        "Acercar, alejar y ajustar; arrastre para desplazar, pellizque en una pantalla táctil"
    ),
    "Synthetic illustration": "Ilustración sintética",
    "Synthetic illustration, not patient data": "Ilustración sintética, no son datos de pacientes",
    "Open in the viewer": "Abrir en el visor",
    "Review burned-in text": "Revisar el texto incrustado",
    "Annotations must be a list of shapes.": "Las anotaciones deben ser una lista de formas.",
    "At most %(max)d annotations per image.": "Como máximo %(max)d anotaciones por imagen.",
    "Annotation %(n)d is not a shape.": "La anotación %(n)d no es una forma.",
    "Annotation %(n)d: the type must be arrow, circle or label.": (
        "Anotación %(n)d: el tipo debe ser flecha (arrow), círculo (circle) o rótulo (label)."
    ),
    "Annotation %(n)d: the frame must be empty or a frame number from 0.": (
        "Anotación %(n)d: el fotograma debe estar vacío o ser un número desde 0."
    ),
    "Annotation %(n)d: the image has only %(count)d frames.": (
        "Anotación %(n)d: la imagen solo tiene %(count)d fotogramas."
    ),
    "Annotation %(n)d: %(name)s must be a number from 0 to 1.": (
        "Anotación %(n)d: %(name)s debe ser un número de 0 a 1."
    ),
    "Annotation %(n)d: %(name)s must be between 0 and 1 (the image's edges).": (
        "Anotación %(n)d: %(name)s debe estar entre 0 y 1 (los bordes de la imagen)."
    ),
    "Annotation %(n)d: a label needs text.": "Anotación %(n)d: un rótulo necesita texto.",
    "Annotation %(n)d: keep a label under %(max)d characters.": (
        "Anotación %(n)d: el rótulo debe tener menos de %(max)d caracteres."
    ),
    "Drawing tool": "Herramienta de dibujo",
    "Arrow": "Flecha",
    "Circle": "Círculo",
    "Label": "Rótulo",
    "Label text": "Texto del rótulo",
    "Frame (empty: every frame)": "Fotograma (vacío: todos)",
    "Remove the last shape": "Quitar la última forma",
    "Edit as text": "Editar como texto",
    "Type the label text first, then click on the image.": (
        "Escriba primero el texto del rótulo y luego haga clic en la imagen."
    ),
    "Arrow: drag from the tail to the finding. Circle: drag from the centre to the edge. "
    "Label: click where the text starts.": (
        "Flecha: arrastre desde la cola hasta el hallazgo. Círculo: arrastre desde el centro "
        "hasta el borde. Rótulo: haga clic donde empieza el texto."
    ),
    "Rectangle %(n)d needs all four numbers: x, y, width and height.": (
        "El rectángulo %(n)d necesita los cuatro números: x, y, anchura y altura."
    ),
    "This image is not held for review; there is nothing to release.": (
        "Esta imagen no está retenida para revisión; no hay nada que liberar."
    ),
    "The image is released with the chosen areas blanked.": (
        "La imagen se ha liberado con las zonas elegidas borradas."
    ),
    "Case %(case)s; the image is %(width)s × %(height)s pixels.": (
        "Caso %(case)s; la imagen mide %(width)s × %(height)s píxeles."
    ),
    "Drag a rectangle over every piece of burned-in text (names, dates, identifiers). The "
    "pixels inside are blanked on every frame, in the stored DICOM and in every derivative, "
    "before the image is released.": (
        "Arrastre un rectángulo sobre cada texto incrustado (nombres, fechas, identificadores). "
        "Los píxeles de dentro se borran en todos los fotogramas, en el DICOM guardado y en "
        "todos los derivados, antes de liberar la imagen."
    ),
    "The held image": "La imagen retenida",
    "Rectangles to blank, in image pixels (x and y from the top left corner)": (
        "Rectángulos que borrar, en píxeles de la imagen (x e y desde la esquina superior "
        "izquierda)"
    ),
    "width": "anchura",
    "height": "altura",
    "Clear the rectangles": "Borrar los rectángulos",
    "Blank these areas and release the image": "Borrar estas zonas y liberar la imagen",
}

PLURALS = {
    "%d case published.": ("%d caso publicado.", "%d casos publicados."),
    "%(counter)s case, read as an unknown first.": (
        "%(counter)s caso, leído primero como caso problema.",
        "%(counter)s casos, cada uno leído primero como caso problema.",
    ),
    "%(counter)s entity, grouped by mechanism.": (
        "%(counter)s entidad, agrupada por mecanismo.",
        "%(counter)s entidades, agrupadas por mecanismo y de la A a la Z.",
    ),
    "%(counter)s glossary entry": (
        "%(counter)s entrada del glosario",
        "%(counter)s entradas del glosario",
    ),
    "%(counter)s case": ("%(counter)s caso", "%(counter)s casos"),
    "%(n)s frame": ("%(n)s fotograma", "%(n)s fotogramas"),
    "%(age)s year": ("%(age)s año", "%(age)s años"),
    "%(counter)s entity.": (
        "%(counter)s entidad.",
        "%(counter)s entidades que calcifican las partes blandas, agrupadas por mecanismo y "
        "de la A a la Z.",
    ),
}
